/**
 * The parts of a SentencePiece model file (`spiece.model`, `sentencepiece.bpe.model`: a `ModelProto` protobuf,
 * sentencepiece_model.proto) that transformers' converters read: the pieces with their scores and types, the
 * trainer's model type and special ids, and the normalizer's precompiled charsmap.
 */
export const PIECE_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;
export const MODEL_TYPE_NAMES: Record<number, string> = { 1: "UNIGRAM", 2: "BPE", 3: "WORD", 4: "CHAR" };

export interface SentencePiece {
  piece: string;
  /** float32, as stored. */
  score: number;
  type: number;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  trainerSpec: { modelType: number; byteFallback: boolean; unkId: number; bosId: number; eosId: number; padId: number };
  normalizerSpec: { name?: string; precompiledCharsmap: Uint8Array; addDummyPrefix: boolean };
}

const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/** Reads protobuf fields; varints keep their low 32 bits, which is all int32, enum and bool fields hold. */
class ProtoReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  *fields(): Generator<{ field: number; wire: number }> {
    while (this.pos < this.bytes.length) {
      const key = this.varint() >>> 0;
      yield { field: key >>> 3, wire: key & 7 };
    }
  }

  varint(): number {
    let low = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.bytes.length) this.fail("a number runs past the end");
      const b = this.bytes[this.pos++];
      if (shift < 32) low |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return low | 0;
      if (shift > 63) this.fail("a number is longer than 10 bytes");
    }
  }

  float32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  bytesField(): Uint8Array {
    const length = this.varint() >>> 0;
    this.need(length);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wire: number): void {
    if (wire === WIRE.VARINT) this.varint();
    else if (wire === WIRE.I64) this.advance(8);
    else if (wire === WIRE.LEN) this.bytesField();
    else if (wire === WIRE.I32) this.advance(4);
    else this.fail(`unknown wire type ${wire}`);
  }

  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail("a field runs past the end");
  }

  private fail(why: string): never {
    throw new Error(`${this.where} is not a valid SentencePiece model (${why}); download it again.`);
  }
}

const text = new TextDecoder("utf-8", { fatal: true });

export function parseSentencePieceModel(bytes: Uint8Array, where = "The SentencePiece model"): SentencePieceModel {
  const model: SentencePieceModel = {
    pieces: [],
    trainerSpec: { modelType: 1, byteFallback: false, unkId: 0, bosId: 1, eosId: 2, padId: -1 },
    normalizerSpec: { precompiledCharsmap: new Uint8Array(0), addDummyPrefix: true },
  };
  const reader = new ProtoReader(bytes, where);
  for (const { field, wire } of reader.fields()) {
    if (wire !== WIRE.LEN || field < 1 || field > 3) {
      reader.skip(wire);
      continue;
    }
    const sub = new ProtoReader(reader.bytesField(), where);
    if (field === 1) model.pieces.push(readPiece(sub));
    else if (field === 2) readTrainerSpec(sub, model.trainerSpec);
    else readNormalizerSpec(sub, model.normalizerSpec);
  }
  if (model.pieces.length === 0) throw new Error(`${where} has no pieces; it is not a SentencePiece model.`);
  return model;
}

function readPiece(reader: ProtoReader): SentencePiece {
  const piece: SentencePiece = { piece: "", score: 0, type: PIECE_TYPE.NORMAL };
  for (const { field, wire } of reader.fields()) {
    if (field === 1 && wire === WIRE.LEN) piece.piece = text.decode(reader.bytesField());
    else if (field === 2 && wire === WIRE.I32) piece.score = reader.float32();
    else if (field === 3 && wire === WIRE.VARINT) piece.type = reader.varint();
    else reader.skip(wire);
  }
  return piece;
}

const TRAINER_FIELDS: Record<number, keyof SentencePieceModel["trainerSpec"]> = { 3: "modelType", 35: "byteFallback", 40: "unkId", 41: "bosId", 42: "eosId", 43: "padId" };

function readTrainerSpec(reader: ProtoReader, spec: SentencePieceModel["trainerSpec"]): void {
  for (const { field, wire } of reader.fields()) {
    const key = TRAINER_FIELDS[field];
    if (key === undefined || wire !== WIRE.VARINT) {
      reader.skip(wire);
      continue;
    }
    const value = reader.varint();
    if (key === "byteFallback") spec.byteFallback = value !== 0;
    else spec[key] = value;
  }
}

function readNormalizerSpec(reader: ProtoReader, spec: SentencePieceModel["normalizerSpec"]): void {
  for (const { field, wire } of reader.fields()) {
    if (field === 1 && wire === WIRE.LEN) spec.name = text.decode(reader.bytesField());
    else if (field === 2 && wire === WIRE.LEN) spec.precompiledCharsmap = reader.bytesField();
    else if (field === 3 && wire === WIRE.VARINT) spec.addDummyPrefix = reader.varint() !== 0;
    else reader.skip(wire);
  }
}

// A restricted pickle machine: it builds only plain data (None, bools, numbers, strings, bytes,
// tuples, lists, dicts) and calls only the TypeScript functions its caller registers for a few
// globals. Nothing in the pickle is ever imported or run: a GLOBAL missing from the caller's
// table, or any opcode that would call or build something else, stops the load with an error.
// The opcodes are those torch.save writes (protocol 2, plus the few of protocols 3-4 that a state
// dict can use); the choice of what to refuse follows torch.load(weights_only=True).

export type PyKey = string | number | bigint | boolean | null;

/** A Python tuple (arrays are lists). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A dict or collections.OrderedDict; `attributes` holds what a BUILD set on it (a state dict's `_metadata`). */
export class PyDict {
  readonly entries = new Map<PyKey, PyValue>();
  readonly attributes = new Map<string, PyValue>();
  constructor(readonly ordered = false) {}
}

/** A global the caller allowed. `call` (REDUCE) is TypeScript code of the caller's, never the pickle's. */
export class PyGlobal {
  constructor(
    readonly path: string,
    readonly call?: (args: readonly PyValue[]) => PyValue,
  ) {}
}

/** Something a registered function or the persistent loader made (a storage, a tensor): opaque here. */
export abstract class PyObject {
  abstract readonly typeName: string;
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyValue[] | PyDict | PyGlobal | PyObject;

export interface UnpicklerOptions {
  /** The allowed globals by "module.name"; any other GLOBAL is refused. */
  globals: ReadonlyMap<string, PyGlobal>;
  /** What a BINPERSID id stands for (throw to refuse it). */
  persistentLoad(pid: PyValue): PyValue;
  /** Throws the error to report, e.g. with the file's name in front. */
  fail(what: string): never;
}

// Deeper MARK nesting than this is no state dict; it bounds the machine's own bookkeeping.
const MAX_MARK_DEPTH = 1000;

const REFUSED_OPCODES: Record<number, string> = {
  0x69: "INST (build an instance of an arbitrary class)",
  0x6f: "OBJ (build an instance of an arbitrary class)",
  0x92: "NEWOBJ_EX (build an instance of an arbitrary class)",
  0x82: "EXT1 (a global from the copyreg extension registry)",
  0x83: "EXT2 (a global from the copyreg extension registry)",
  0x84: "EXT4 (a global from the copyreg extension registry)",
  0x50: "PERSID (a text persistent id)",
};

/** Run the pickle in `data` and return what its STOP leaves. */
export function unpickle(data: Uint8Array, options: UnpicklerOptions): PyValue {
  const { globals, persistentLoad, fail } = options;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let pos = 0;
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();

  const need = (n: number, what: string): number => {
    if (pos + n > data.byteLength) fail(`the pickle ends inside ${what} at byte ${pos} (truncated?)`);
    const at = pos;
    pos += n;
    return at;
  };
  const pop = (op: string): PyValue => {
    if (stack.length === 0) fail(`${op} finds an empty stack (a corrupt pickle)`);
    return stack.pop()!;
  };
  const top = (op: string): PyValue => {
    if (stack.length === 0) fail(`${op} finds an empty stack (a corrupt pickle)`);
    return stack[stack.length - 1];
  };
  const popMark = (op: string): PyValue[] => {
    const items = stack;
    const outer = marks.pop();
    if (outer === undefined) fail(`${op} without a MARK (a corrupt pickle)`);
    stack = outer!;
    return items;
  };
  const text = (n: number, what: string): string => {
    const at = need(n, what);
    try {
      return utf8.decode(data.subarray(at, at + n));
    } catch {
      return fail(`${what} at byte ${at} is not valid UTF-8`);
    }
  };
  const line = (what: string): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail(`the pickle ends inside ${what} (truncated?)`);
    return text(end - pos + 1, what).slice(0, -1);
  };
  const resolve = (module: string, name: string): PyGlobal => {
    const path = `${module}.${name}`;
    const allowed = globals.get(path);
    if (allowed === undefined) {
      fail(
        `refused: it names the global ${path}, which a weights file never needs (allowed: ${callableNames(globals)}, storage classes and dtypes). ` +
          `Nothing from it was run. Only load checkpoints from sources you trust; convert trusted ones to safetensors.`,
      );
    }
    return allowed!;
  };
  const setItem = (op: string, target: PyValue, key: PyValue, value: PyValue) => {
    if (!(target instanceof PyDict)) fail(`refused: ${op} on ${describe(target)}; only dicts take items`);
    if (key !== null && typeof key === "object") fail(`refused: a dict key that is ${describe(key)}; a state dict's keys are strings`);
    (target as PyDict).entries.set(key as PyKey, value);
  };
  const memoIndex = (bytes: number, what: string): number => (bytes === 1 ? data[need(1, what)] : view.getUint32(need(4, what), true));

  for (;;) {
    if (pos >= data.byteLength) fail("the pickle ends without STOP (truncated?)");
    const at = pos;
    const op = data[pos++];
    switch (op) {
      case 0x80: { // PROTO
        const proto = data[need(1, "PROTO")];
        if (proto > 5) fail(`pickle protocol ${proto} is newer than any Python writes`);
        break;
      }
      case 0x95: need(8, "FRAME"); break; // FRAME: a length hint, the data follows inline
      case 0x2e: { // STOP
        const result = pop("STOP");
        if (marks.length > 0) fail("STOP inside an open MARK (a corrupt pickle)");
        return result;
      }
      case 0x28: // MARK
        if (marks.length >= MAX_MARK_DEPTH) fail(`refused: MARKs nested more than ${MAX_MARK_DEPTH} deep`);
        marks.push(stack);
        stack = [];
        break;
      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x74: { // TUPLE (popMark switches `stack` back to the outer one first)
        const items = popMark("TUPLE");
        stack.push(new PyTuple(items));
        break;
      }
      case 0x85: stack.push(new PyTuple([pop("TUPLE1")])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop("TUPLE2");
        stack.push(new PyTuple([pop("TUPLE2"), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop("TUPLE3");
        const b = pop("TUPLE3");
        stack.push(new PyTuple([pop("TUPLE3"), b, c]));
        break;
      }
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(view.getInt32(need(4, "BININT"), true)); break; // BININT
      case 0x4b: stack.push(data[need(1, "BININT1")]); break; // BININT1
      case 0x4d: stack.push(view.getUint16(need(2, "BININT2"), true)); break; // BININT2
      case 0x8a: { // LONG1: little-endian two's complement
        const n = data[need(1, "LONG1")];
        const start = need(n, "LONG1");
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[start + i]);
        if (n > 0 && data[start + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: stack.push(view.getFloat64(need(8, "BINFLOAT"), false)); break; // BINFLOAT (big-endian)
      case 0x58: stack.push(text(view.getUint32(need(4, "BINUNICODE"), true), "a BINUNICODE string")); break;
      case 0x8c: stack.push(text(data[need(1, "SHORT_BINUNICODE")], "a SHORT_BINUNICODE string")); break;
      case 0x55: { // SHORT_BINSTRING: a Python 2 str, read as latin-1
        const n = data[need(1, "SHORT_BINSTRING")];
        stack.push(String.fromCharCode(...data.subarray(need(n, "a SHORT_BINSTRING string"), pos)));
        break;
      }
      case 0x43: { // SHORT_BINBYTES
        const n = data[need(1, "SHORT_BINBYTES")];
        stack.push(data.slice(need(n, "SHORT_BINBYTES data"), pos));
        break;
      }
      case 0x42: { // BINBYTES
        const n = view.getUint32(need(4, "BINBYTES"), true);
        stack.push(data.slice(need(n, "BINBYTES data"), pos));
        break;
      }
      case 0x63: { // GLOBAL "module\nname\n"
        const module = line("a GLOBAL's module");
        stack.push(resolve(module, line("a GLOBAL's name")));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop("STACK_GLOBAL");
        const module = pop("STACK_GLOBAL");
        if (typeof module !== "string" || typeof name !== "string") fail(`refused: STACK_GLOBAL of ${describe(module)} and ${describe(name)}`);
        stack.push(resolve(module as string, name as string));
        break;
      }
      case 0x71: memo.set(memoIndex(1, "BINPUT"), top("BINPUT")); break;
      case 0x72: memo.set(memoIndex(4, "LONG_BINPUT"), top("LONG_BINPUT")); break;
      case 0x94: memo.set(memo.size, top("MEMOIZE")); break;
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const index = memoIndex(op === 0x68 ? 1 : 4, "BINGET");
        if (!memo.has(index)) fail(`BINGET of memo slot ${index}, which was never set (a corrupt pickle)`);
        stack.push(memo.get(index)!);
        break;
      }
      case 0x51: stack.push(persistentLoad(pop("BINPERSID"))); break; // BINPERSID
      case 0x52: { // REDUCE: callable(*args)
        const args = pop("REDUCE");
        const callable = pop("REDUCE");
        if (!(callable instanceof PyGlobal) || callable.call === undefined) fail(`refused: REDUCE calls ${describe(callable)}; only ${callableNames(globals)} may be called`);
        if (!(args instanceof PyTuple)) fail(`refused: REDUCE with arguments ${describe(args)} instead of a tuple`);
        stack.push((callable as PyGlobal).call!((args as PyTuple).items));
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args), allowed for the callables' own empty containers only
        const args = pop("NEWOBJ");
        const cls = pop("NEWOBJ");
        if (!(cls instanceof PyGlobal) || cls.path !== "collections.OrderedDict" || !(args instanceof PyTuple) || args.items.length > 0) {
          fail(`refused: NEWOBJ of ${describe(cls)}; a weights file needs no new objects but OrderedDict()`);
        }
        stack.push(new PyDict(true));
        break;
      }
      case 0x62: { // BUILD: inst.__setstate__(state) in Python; here only attributes on an OrderedDict
        const state = pop("BUILD");
        const inst = top("BUILD");
        if (!(inst instanceof PyDict) || !inst.ordered) fail(`refused: BUILD (__setstate__) on ${describe(inst)}; only an OrderedDict's attributes may be set`);
        if (!(state instanceof PyDict)) fail(`refused: BUILD with state ${describe(state)}; an OrderedDict takes a dict of attributes`);
        for (const [k, v] of (state as PyDict).entries) {
          if (typeof k !== "string") fail(`refused: BUILD sets an attribute named ${describe(k)}`);
          (inst as PyDict).attributes.set(k as string, v);
        }
        break;
      }
      case 0x61: { // APPEND
        const item = pop("APPEND");
        const list = top("APPEND");
        if (!Array.isArray(list)) fail(`refused: APPEND to ${describe(list)}; only lists take items`);
        (list as PyValue[]).push(item);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark("APPENDS");
        const list = top("APPENDS");
        if (!Array.isArray(list)) fail(`refused: APPENDS to ${describe(list)}; only lists take items`);
        for (const item of items) (list as PyValue[]).push(item);
        break;
      }
      case 0x73: { // SETITEM
        const value = pop("SETITEM");
        const key = pop("SETITEM");
        setItem("SETITEM", top("SETITEM"), key, value);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark("SETITEMS");
        if (items.length % 2 !== 0) fail("SETITEMS with an odd number of items (a corrupt pickle)");
        const target = top("SETITEMS");
        for (let i = 0; i < items.length; i += 2) setItem("SETITEMS", target, items[i], items[i + 1]);
        break;
      }
      default: {
        const what = REFUSED_OPCODES[op] ?? `0x${op.toString(16).padStart(2, "0")}${op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : ""}`;
        fail(`refused: opcode ${what} at byte ${at}, which a weights file does not use. Nothing from it was run.`);
      }
    }
  }
}

/** A short description of a value for error messages (never walks into it). */
export function describe(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (typeof v !== "object") return String(v);
  if (v instanceof PyGlobal) return v.path;
  if (v instanceof PyTuple) return `a tuple of ${v.items.length}`;
  if (v instanceof PyDict) return v.ordered ? "an OrderedDict" : "a dict";
  if (v instanceof Uint8Array) return `bytes (${v.byteLength})`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return `a ${v.typeName}`;
}

function callableNames(globals: ReadonlyMap<string, PyGlobal>): string {
  return [...globals.values()].filter((g) => g.call !== undefined).map((g) => g.path).join(", ");
}

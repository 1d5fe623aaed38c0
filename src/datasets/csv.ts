/** CSV (RFC 4180: quoted fields, "" escapes, newlines inside quotes) to rows of strings. */
export function parseCsv(text: string, delimiter = ","): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const endField = (): void => {
    row.push(field);
    field = "";
  };
  const endRow = (): void => {
    endField();
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === "\n") endRow();
    else if (ch === "\r") {
      if (text[i + 1] !== "\n") endRow();
    } else field += ch;
    i++;
  }
  if (quoted) throw new Error("The CSV ends inside a quoted field: a closing quote is missing.");
  if (field !== "" || row.length > 0) endRow();
  return rows;
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$/i;

/** Values typed as pandas' read_csv types them: int, float and bool columns, else strings; empty cells are null. */
export function csvColumns(rows: string[][], where: string): Record<string, unknown[]> {
  if (rows.length === 0) throw new Error(`${where} is empty: a CSV needs a header row.`);
  const [header, ...body] = rows;
  const columns: Record<string, unknown[]> = {};
  header.forEach((name, c) => {
    if (name in columns) throw new Error(`${where}: the column "${name}" appears twice in the header.`);
    const cells = body.map((r, k) => {
      if (r.length !== header.length) throw new Error(`${where}, line ${k + 2}: ${r.length} fields where the header has ${header.length}.`);
      return r[c];
    });
    const present = cells.filter((v) => v !== "");
    let convert: (v: string) => unknown = (v) => v;
    if (present.length > 0 && present.every((v) => INT.test(v))) convert = Number;
    else if (present.length > 0 && present.every((v) => FLOAT.test(v))) convert = Number;
    else if (present.length > 0 && present.every((v) => /^(true|false)$/i.test(v))) convert = (v) => v.toLowerCase() === "true";
    columns[name] = cells.map((v) => (v === "" ? null : convert(v)));
  });
  return columns;
}

import { randomBytes } from "node:crypto";

/**
 * A value already serialized as JSON. `stringifyJson` puts its text in place instead of
 * serializing the value again: a 1,000-tool tools/list is serialized once per project
 * version and caller's scopes, not on every request (`RawJson` inside any other
 * `JSON.stringify` serializes as a placeholder string, so use `stringifyJson`).
 */
export class RawJson {
  #bytes: Buffer | undefined;
  constructor(readonly json: string) {}

  /** The text as UTF-8, encoded once: a large list is written to each answer as these bytes. */
  get bytes(): Buffer {
    return (this.#bytes ??= Buffer.from(this.json, "utf8"));
  }

  toJSON(): string {
    if (!collecting) throw new Error("RawJson is serialized with stringifyJson only");
    collecting.push(this);
    return `${PLACEHOLDER}${collecting.length - 1}`;
  }
}

// A process-random tag: no string a client or a tool definition holds can spell it.
const PLACEHOLDER = `\u0000raw-${randomBytes(8).toString("hex")}-`;
const QUOTED = new RegExp(`"\\\\u0000raw-${PLACEHOLDER.slice(5, -1)}-(\\d+)"`, "g");
let collecting: RawJson[] | undefined;

/** `JSON.stringify`, with every `RawJson` inside replaced by its text. */
export function stringifyJson(value: unknown): string {
  return pieces(value, (raw) => raw.json).join("");
}

/**
 * The same JSON as pieces to write one after another: the serialized text around each
 * `RawJson`, and the `RawJson`'s encoded bytes in its place (no copy of a large list into a
 * new string per answer).
 */
export function jsonChunks(value: unknown): Array<string | Buffer> {
  return pieces(value, (raw) => raw.bytes);
}

/** The serialized text, cut at each `RawJson`'s placeholder, with `part` of that `RawJson` in its place. */
function pieces<T>(value: unknown, part: (raw: RawJson) => T): Array<string | T> {
  const outer = collecting;
  const raws: RawJson[] = [];
  collecting = raws;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    collecting = outer;
  }
  if (raws.length === 0) return [text];
  const out: Array<string | T> = [];
  let last = 0;
  for (const match of text.matchAll(QUOTED)) {
    out.push(text.slice(last, match.index), part(raws[Number(match[1])]!));
    last = match.index + match[0].length;
  }
  out.push(text.slice(last));
  return out;
}

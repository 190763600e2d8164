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
  const { text, raws } = stringifyCollecting(value);
  return raws.length === 0 ? text : text.replace(QUOTED, (_, i: string) => raws[Number(i)]!.json);
}

/**
 * The same JSON as pieces to write one after another: the serialized text around each
 * `RawJson`, and the `RawJson`'s encoded bytes in its place (no copy of a large list into a
 * new string per answer).
 */
export function jsonChunks(value: unknown): Array<string | Buffer> {
  const { text, raws } = stringifyCollecting(value);
  if (raws.length === 0) return [text];
  const chunks: Array<string | Buffer> = [];
  let last = 0;
  for (const match of text.matchAll(QUOTED)) {
    chunks.push(text.slice(last, match.index), raws[Number(match[1])]!.bytes);
    last = match.index + match[0].length;
  }
  chunks.push(text.slice(last));
  return chunks;
}

function stringifyCollecting(value: unknown): { text: string; raws: RawJson[] } {
  const outer = collecting;
  const raws: RawJson[] = [];
  collecting = raws;
  try {
    return { text: JSON.stringify(value), raws };
  } finally {
    collecting = outer;
  }
}

import { randomBytes } from "node:crypto";

/**
 * A value already serialized as JSON. `stringifyJson` puts its text in place instead of
 * serializing the value again: a 1,000-tool tools/list is serialized once per project
 * version and caller's scopes, not on every request (`RawJson` inside any other
 * `JSON.stringify` serializes as a placeholder string, so use `stringifyJson`).
 */
export class RawJson {
  constructor(readonly json: string) {}

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
  const outer = collecting;
  const raws: RawJson[] = [];
  collecting = raws;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    collecting = outer;
  }
  return raws.length === 0 ? text : text.replace(QUOTED, (_, i: string) => raws[Number(i)]!.json);
}

/** A JSON object: not null, not an array (what parsed JSON, schemas and arguments are checked against). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

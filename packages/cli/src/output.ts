/** Prints a result: JSON with --json, otherwise a readable table or key/value lines. */
export function print(json: boolean, value: unknown, table?: { rows: Array<Record<string, unknown>>; columns: string[] }) {
  if (json) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (table) {
    if (table.rows.length === 0) {
      process.stdout.write("(none)\n");
      return;
    }
    const cells = table.rows.map((row) => table.columns.map((c) => format(row[c])));
    const widths = table.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
    const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
    process.stdout.write(`${line(table.columns)}\n${cells.map(line).join("\n")}\n`);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) process.stdout.write(`${k}: ${format(v)}\n`);
}

function format(v: unknown): string {
  if (v === null || v === undefined) return "-";
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.length ? v.join(",") : "-";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

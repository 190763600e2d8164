// Plain-text tables for stdout.

export function table(headers: string[], rows: (string | number)[][], rightAligned: boolean[] = headers.map((_, i) => i > 0)) {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a"),
  ms: (n: number) => (!Number.isFinite(n) ? "n/a" : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)),
  ratio: (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)}×` : "n/a"),
  plusMs: (n: number) => (Number.isFinite(n) ? `${n >= 0 ? "+" : ""}${fmt.ms(n)}` : "n/a"),
  cpu: (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? "n/a" : n < 1 ? `${Math.round(n * 1000)} µs` : `${n.toFixed(2)} ms`),
  cores: (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(2)),
  kb: (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`,
  pct: (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : "n/a"),
};

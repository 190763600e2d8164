// Number and time formatting shared by the overview's server and client components.

/** `12 ms`, `340 ms`, `1.2 s`; an em dash when there is no sample. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value >= 10_000) return `${Math.round(value / 1000)} s`;
  if (value >= 1000) return `${trimZero((value / 1000).toFixed(1))} s`;
  if (value < 1 && value > 0) return `${value.toFixed(1)} ms`;
  return `${Math.round(value)} ms`;
}

/** `0%`, `0.4%`, `12%`; an em dash without calls. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const pct = value * 100;
  if (pct === 0 || pct >= 10) return `${Math.round(pct)}%`;
  return `${pct < 0.1 ? "<0.1" : trimZero(pct.toFixed(1))}%`;
}

function trimZero(text: string): string {
  return text.replace(/\.0$/, "");
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat("en-US");

export function formatCount(value: number): string {
  return value >= 10_000 ? compact.format(value) : full.format(value);
}

/** A per-minute rate: small rates keep their decimals. */
export function formatRate(value: number): string {
  if (value === 0) return "0";
  if (value < 0.01) return "<0.01";
  if (value < 0.1) return value.toFixed(2);
  if (value < 10) return value.toFixed(1).replace(/\.0$/, "");
  return formatCount(Math.round(value));
}

/** Axis labels with as many decimals as the tick step needs (0.005 steps read 0.005, 0.010…). */
export function tickFormatter(ticks: number[], unit: "" | "ms"): (value: number) => string {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const decimals = Math.max(0, (String(Number(step.toPrecision(3))).split(".")[1] ?? "").length);
  if (unit === "ms") return (value) => (value === 0 ? "0 ms" : step >= 1000 ? formatMs(value) : `${value.toFixed(decimals)} ms`);
  return (value) => (value === 0 ? "0" : value >= 10_000 ? formatCount(value) : value.toFixed(decimals));
}

import { type RunSummary, runSummaryFields } from "./list-runs.ts";

/** The columns of a runs CSV export: every field of a run summary, in the summary's order. */
export const RUN_CSV_COLUMNS = Object.keys(runSummaryFields) as Array<keyof RunSummary>;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; objects as JSON. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const runsCsvHeader = () => RUN_CSV_COLUMNS.join(",");
export const runCsvRow = (run: RunSummary) => RUN_CSV_COLUMNS.map((column) => csvField(run[column])).join(",");

import { AppError, getRunDetail, HTTP_STATUS_FILTER, listRuns, listRunsInput, RUN_TIME_RANGES, type RunFilter, runCsvRow, runFilterInput, runsCsvHeader, type RunSummary } from "@tengine/core";
import { setTimeout as sleep } from "node:timers/promises";
import type { CliContext } from "../context.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { UsageError, isoDateTime, wholeNumber } from "../usage-error.ts";
import { projectBySlug, projectOption } from "./shared.ts";

/** The statuses and principal kinds `runs list` accepts: the ones core's run filter knows. */
const RUN_STATUSES = listRunsInput.shape.status.unwrap().options;
const PRINCIPAL_KINDS = listRunsInput.shape.principalKind.unwrap().options;
const RANGES = Object.keys(RUN_TIME_RANGES) as Array<keyof typeof RUN_TIME_RANGES>;
const FORMATS = ["table", "json", "csv"] as const;
const FOLLOW_POLL_MS = 1000;

type ListOptions = {
  project: string;
  tool?: string;
  status?: (typeof RUN_STATUSES)[number];
  principal?: (typeof PRINCIPAL_KINDS)[number];
  key?: string;
  member?: string;
  since?: string;
  until?: string;
  search?: string;
  httpStatus?: string;
  slowerThan?: number;
  limit: number;
  cursor?: string;
  after?: string;
  follow?: boolean;
  format?: (typeof FORMATS)[number];
};

/** `--since 24h` (a preset of the runs page) or an ISO 8601 time. */
function parseSince(value: string): string {
  if ((RANGES as string[]).includes(value)) return value;
  try {
    return isoDateTime("--since")(value);
  } catch {
    throw new UsageError(`--since must be one of ${RANGES.join(", ")} or an ISO 8601 time (got "${value}")`);
  }
}

function httpStatusFilter(value: string): string {
  if (!HTTP_STATUS_FILTER.test(value)) throw new UsageError(`--http-status is a class (2xx, 4xx…) or a status such as 404 (got "${value}")`);
  return value;
}

function filterOf(opts: ListOptions, now: number): RunFilter {
  const since = opts.since === undefined ? undefined : opts.since in RUN_TIME_RANGES ? new Date(now - RUN_TIME_RANGES[opts.since as keyof typeof RUN_TIME_RANGES]) : new Date(opts.since);
  return { tool: opts.tool, status: opts.status, principal: opts.principal, key: opts.key, member: opts.member, since, until: opts.until ? new Date(opts.until) : undefined, search: opts.search, httpStatus: opts.httpStatus, slowerThanMs: opts.slowerThan };
}



const list = defineCommand<ListOptions>({
  name: "list",
  summary: "runs, newest first, with every filter of the runs page; --follow streams new ones",
  details:
    "A full page ends with the command for the next one (table format). --format csv exports the page as CSV with a header; --format json (or --json) prints the page object. With --follow the newest page is printed oldest first, then each new run as it is recorded (one JSON object per line with json, one CSV row with csv) until interrupted; a run is shown with the status it had when it was first seen.",
  options: [
    projectOption,
    { flags: "--tool <name>", description: "only this tool's runs" },
    { flags: "--status <status>", description: `only runs with this status (${RUN_STATUSES.join(", ")})`, choices: RUN_STATUSES },
    { flags: "--principal <kind>", description: `only calls by this kind of caller (${PRINCIPAL_KINDS.join(", ")})`, choices: PRINCIPAL_KINDS },
    { flags: "--key <keyId>", description: "only calls with this API key (key_…)" },
    { flags: "--member <memberId>", description: "only calls of this member (member sessions)" },
    { flags: "--since <range|time>", description: `only runs since ${RANGES.join(", ")} ago, or since an ISO 8601 time`, parse: parseSince },
    { flags: "--until <time>", description: "only runs before this ISO 8601 time", parse: isoDateTime("--until") },
    { flags: "--search <text>", description: "only runs with this id, or with this text in their arguments, response body or error" },
    { flags: "--http-status <status>", description: "only runs whose upstream answered this status class (2xx … 5xx) or status (404)", parse: httpStatusFilter },
    { flags: "--slower-than <ms>", description: "only runs that took at least this long (gateway plus upstream)", parse: wholeNumber("--slower-than", 0, 3_600_000) },
    { flags: "--limit <n>", description: "page size, 1 to 200", parse: wholeNumber("--limit", 1, 200), default: 50 },
    { flags: "--cursor <runId>", description: "continue after this run (the nextCursor of the previous page)" },
    { flags: "--after <runId>", description: "the page just newer than this run (the prevCursor of a page)" },
    { flags: "--follow", description: "keep printing new runs as they are recorded" },
    { flags: "--format <format>", description: `output format (${FORMATS.join(", ")}; default table, or json with --json)`, choices: FORMATS },
  ],
  examples: [
    "tengine runs list --project acme-crm --status failed --since 24h",
    "tengine runs list --project acme-crm --tool get_contact --format csv > runs.csv",
    "tengine runs list --project acme-crm --search ORD-7781 --http-status 5xx",
    "tengine runs list --project acme-crm --follow --json",
  ],
  json: "{ runs: [{ id, toolId, toolName, status, principalKind, apiKeyId, memberId, memberEmail, userId, clientId, httpStatus, attempts, gatewayMs, upstreamMs, idempotencyKey, dedupeSource, originalRunId, error, createdAt, finishedAt }], nextCursor, prevCursor }; with --follow one run object per line",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const format = opts.format ?? (json ? "json" : "table");
    if (opts.follow && (opts.cursor || opts.after)) throw new UsageError("--follow starts at the newest runs: leave out --cursor and --after");
    const filter = runFilterInput(filterOf(opts, Date.now()));
    const page = await listRuns(ctx.db, project.id, { ...filter, limit: opts.limit, ...(opts.cursor ? { cursor: opts.cursor } : opts.after ? { after: opts.after } : {}) });
    if (opts.follow) return follow(ctx, project.id, filter, page.runs, format);
    if (format === "json") return print(true, page);
    if (format === "csv") return void process.stdout.write(`${[runsCsvHeader(), ...page.runs.map((r) => runCsvRow(r))].join("\n")}\n`);
    print(false, page, { rows: page.runs, columns: ["id", "toolName", "status", "httpStatus", "attempts", "gatewayMs", "upstreamMs", "principalKind", "createdAt"] });
    if (page.nextCursor) {
      const flags = [opts.tool ? `--tool ${opts.tool}` : "", opts.status ? `--status ${opts.status}` : "", opts.principal ? `--principal ${opts.principal}` : "", opts.key ? `--key ${opts.key}` : "", opts.member ? `--member ${opts.member}` : "", opts.since ? `--since ${opts.since}` : "", opts.until ? `--until ${opts.until}` : "", opts.search ? `--search ${JSON.stringify(opts.search)}` : "", opts.httpStatus ? `--http-status ${opts.httpStatus}` : "", opts.slowerThan !== undefined ? `--slower-than ${opts.slowerThan}` : "", opts.limit !== 50 ? `--limit ${opts.limit}` : ""].filter(Boolean).join(" ");
      process.stdout.write(`more runs: npx tengine runs list --project ${project.slug}${flags ? ` ${flags}` : ""} --cursor ${page.nextCursor}\n`);
    }
    const failed = page.runs.filter((r) => r.error).length;
    if (failed) process.stdout.write(`${failed} run(s) with an error: see npx tengine runs get --project ${project.slug} <id>\n`);
  },
});

/**
 * Prints `first` oldest first, then polls for runs newer than the newest one seen. Runs are
 * keyset pages on the time-sortable id, so each poll is one index range read; a burst of more
 * than a page is read page by page before sleeping.
 */
async function follow(ctx: CliContext, projectId: string, filter: ReturnType<typeof runFilterInput>, first: RunSummary[], format: (typeof FORMATS)[number]): Promise<never> {
  const write = (runs: RunSummary[]) => {
    if (runs.length === 0) return;
    const lines = runs.map((r) => (format === "json" ? JSON.stringify(r) : format === "csv" ? runCsvRow(r) : [r.createdAt.toISOString(), r.id, r.toolName, r.status, r.httpStatus ?? "-", r.error ?? ""].join("  ").trimEnd()));
    process.stdout.write(`${lines.join("\n")}\n`);
  };
  if (format === "csv") process.stdout.write(`${runsCsvHeader()}\n`);
  const oldestFirst = [...first].reverse();
  write(oldestFirst);
  let last = oldestFirst.at(-1)?.id ?? "";
  for (;;) {
    const page = await listRuns(ctx.db, projectId, { ...filter, limit: 200, ...(last ? { after: last } : {}) });
    // `after` returns the newest page when fewer than a page are newer: keep only the new ones.
    const fresh = page.runs.filter((r) => r.id > last).reverse();
    write(fresh);
    if (fresh.length) last = fresh.at(-1)!.id;
    if (fresh.length < 200) await sleep(FOLLOW_POLL_MS);
  }
}

const get = defineCommand<{ project: string }>({
  name: "get",
  aliases: ["show"],
  summary: "one run as the run page shows it: status, timings, who called, its error, and the redacted request and response",
  args: [{ name: "runId", description: "the run's id (run_…)" }],
  options: [projectOption],
  examples: ["tengine runs get --project acme-crm run_01jd8x9y7z6w5v4t3s2r1q0p9n --json"],
  json: "{ run: { id, toolName, status, error, httpStatus, attempts, gatewayMs, upstreamMs, principalKind, memberEmail, idempotencyKey, originalRunId, arguments, request, response, createdAt, finishedAt, … }, tool: { id, name } | null, originalRun: { id, status, createdAt } | null, keyWindowSeconds: number | null, replays: [{ id, createdAt }], replayCount, approval: { id, status, reason, decidedByEmail, decidedAt, createdAt, expiresAt, waitMs } | null, apiKey: { name, prefix } | null, user: { email } | null } (secrets redacted when recorded)",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const runId = args.runId!;
    const detail = await getRunDetail(ctx.db, project.id, runId);
    if (!detail) throw new AppError("not_found", `run "${runId}" not found in project "${project.slug}"`);
    if (json) return print(true, detail);
    const { run } = detail;
    const caller = detail.apiKey ? `API key "${detail.apiKey.name}" (${detail.apiKey.prefix}…)` : detail.user ? `user ${detail.user.email}` : run.memberEmail ? `member ${run.memberEmail}` : run.principalKind;
    print(false, {
      id: run.id,
      tool: run.toolName,
      status: run.status,
      error: run.error,
      httpStatus: run.httpStatus,
      attempts: run.attempts,
      gatewayMs: run.gatewayMs,
      upstreamMs: run.upstreamMs,
      caller,
      idempotencyKey: run.idempotencyKey,
      originalRunId: run.originalRunId,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      arguments: run.arguments,
      request: run.request,
      response: run.response,
    });
  },
});

export const runsGroup = defineGroup({ name: "runs", summary: "run history", commands: [list, get] });

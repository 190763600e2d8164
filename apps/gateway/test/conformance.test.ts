import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureTools, startCredentialProxy, startFixtureUpstream } from "./conformance/fixture.ts";
import { startWorld } from "./harness.ts";

/**
 * `@modelcontextprotocol/conformance` against a running gateway serving a fixture project:
 * the stable suite (0.1.x, the 2025 revisions) and the 0.2 alpha's requirement set of
 * 2026-07-28 (server scenarios, extensions included). Every check must pass, or be listed
 * below with the reason it does not apply to a gateway of HTTP tools;
 * any other failure fails this test. The verdict of every scenario is printed.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const NODE20_FS = path.join(ROOT, "apps/gateway/test/conformance/node20-fs.mjs");
const STABLE_CLI = path.join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
const ALPHA_CLI = path.join(ROOT, "node_modules/conformance-alpha/dist/index.js");

const TOOLS_ONLY = "the gateway serves tools only: no resources, prompts or completions";
const NO_CLIENT_REQUESTS = "the gateway's tools are HTTP calls: they never ask the client to sample or answer a form (approvals use their own elicitation)";
const ONE_BLOCK = "an HTTP tool answers with one content block mapped from its upstream response; embedded text resources and mixed blocks come only from federated MCP servers, passed through as sent";
const NO_MRTR =
  "calls the reference server's test tools (test_input_required_result_*) that ask the client for a form, a sample or its roots; the gateway's own input_required is the approval flow (URL elicitation, sealed requestState), tested with the SDK v2 client in modern-approvals.test.ts";
const NO_TASKS =
  "calls the reference server's task test tools; the gateway makes a task of a call waiting for approval or still running after MCP_TASK_AFTER_MS, tested in modern-approvals.test.ts";
const DIAGNOSTIC_TOOL = "needs a diagnostic tool of the reference server (test_missing_capability, test_streaming_elicitation, test_logging_tool) that a gateway of HTTP tools has no equivalent of";

/** Checks allowed to fail, by scenario; `"*"` for every check of the scenario. */
const DOES_NOT_APPLY: Record<string, { checks: string[] | "*"; reason: string }> = {
  "logging-set-level": { checks: "*", reason: "the gateway streams no logs: HTTP tools produce none" },
  "tools-call-with-logging": { checks: "*", reason: "the gateway streams no logs: HTTP tools produce none" },
  "tools-call-with-progress": { checks: ["tools-call-with-progress"], reason: "HTTP tools report no progress" },
  "completion-complete": { checks: ["completion-complete"], reason: TOOLS_ONLY },
  "tools-call-embedded-resource": { checks: ["tools-call-embedded-resource"], reason: ONE_BLOCK },
  "tools-call-mixed-content": { checks: ["tools-call-mixed-content"], reason: ONE_BLOCK },
  "tools-call-sampling": { checks: "*", reason: NO_CLIENT_REQUESTS },
  "tools-call-elicitation": { checks: "*", reason: NO_CLIENT_REQUESTS },
  "elicitation-sep1034-defaults": { checks: "*", reason: NO_CLIENT_REQUESTS },
  "elicitation-sep1330-enums": { checks: "*", reason: NO_CLIENT_REQUESTS },
  "resources-list": { checks: ["resources-list"], reason: TOOLS_ONLY },
  "resources-read-text": { checks: ["resources-read-text"], reason: TOOLS_ONLY },
  "resources-read-binary": { checks: ["resources-read-binary"], reason: TOOLS_ONLY },
  "resources-templates-read": { checks: ["resources-templates-read"], reason: TOOLS_ONLY },
  "resources-subscribe": { checks: "*", reason: TOOLS_ONLY },
  "resources-unsubscribe": { checks: "*", reason: TOOLS_ONLY },
  "prompts-list": { checks: ["prompts-list"], reason: TOOLS_ONLY },
  "prompts-get-simple": { checks: ["prompts-get-simple"], reason: TOOLS_ONLY },
  "prompts-get-with-args": { checks: ["prompts-get-with-args"], reason: TOOLS_ONLY },
  "prompts-get-embedded-resource": { checks: ["prompts-get-embedded-resource"], reason: TOOLS_ONLY },
  "prompts-get-with-image": { checks: ["prompts-get-with-image"], reason: TOOLS_ONLY },
  caching: { checks: ["sep-2549-prompts-list-caching-hints", "sep-2549-resources-list-caching-hints", "sep-2549-resources-templates-list-caching-hints"], reason: TOOLS_ONLY },
  "server-stateless": { checks: ["sep-2575-server-rejects-undeclared-capability", "sep-2575-missing-capability-http-400", "sep-2575-http-server-no-independent-requests-on-stream", "sep-2575-server-no-log-without-loglevel"], reason: DIAGNOSTIC_TOOL },
};

type Check = { id: string; status: string; errorMessage?: string };
type Outcome = { suite: string; scenario: string; failed: Check[]; passed: number };

let world: Awaited<ReturnType<typeof startWorld>>;
let upstream: Awaited<ReturnType<typeof startFixtureUpstream>>;
let proxy: Awaited<ReturnType<typeof startCredentialProxy>>;
let url: string;

beforeAll(async () => {
  // The proxy first: the gateway must list its origin (the suite checks DNS-rebinding protection).
  proxy = await startCredentialProxy();
  world = await startWorld("conformance", { allowedOrigins: [proxy.url] });
  upstream = await startFixtureUpstream();
  const p = await world.createProjectWithKey("Conformance fixture");
  for (const tool of fixtureTools(upstream.url)) await world.addTool(p.project.id, tool);
  proxy.route(world.base, p.key);
  url = `${proxy.url}/p/${p.project.slug}/mcp`;
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  await world?.close();
});

/** Runs one suite and reads every scenario's checks.json. */
async function runSuite(suite: string, cli: string, args: string[]): Promise<Outcome[]> {
  const out = await mkdtemp(path.join(tmpdir(), "tengine-conformance-"));
  try {
    const child = spawn(process.execPath, ["--import", NODE20_FS, cli, "server", "--url", url, ...args, "-o", out], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
    child.stderr.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
    await new Promise((resolve) => child.on("exit", resolve));
    const outcomes: Outcome[] = [];
    for (const dir of await readdir(out)) {
      const scenario = dir.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
      const checks = JSON.parse(await readFile(path.join(out, dir, "checks.json"), "utf8")) as Check[];
      outcomes.push({ suite, scenario, passed: checks.filter((c) => c.status === "SUCCESS").length, failed: checks.filter((c) => c.status === "FAILURE") });
    }
    if (outcomes.length === 0) throw new Error(`the ${suite} suite ran no scenario:\n${log}`);
    return outcomes;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function verdict(outcomes: Outcome[]) {
  const unexpected: string[] = [];
  const lines: string[] = [];
  for (const o of outcomes.sort((a, b) => a.scenario.localeCompare(b.scenario))) {
    const excuse = DOES_NOT_APPLY[o.scenario] ?? (o.scenario.startsWith("input-required-result") ? { checks: "*" as const, reason: NO_MRTR } : o.scenario.startsWith("tasks-") ? { checks: "*" as const, reason: NO_TASKS } : undefined);
    const bad = o.failed.filter((c) => !excuse || (excuse.checks !== "*" && !excuse.checks.includes(c.id)));
    for (const c of bad) unexpected.push(`${o.suite} ${o.scenario} ${c.id}: ${c.errorMessage ?? "failed"}`);
    lines.push(`${o.failed.length ? "FAIL" : "pass"} ${o.suite} ${o.scenario} (${o.passed} passed, ${o.failed.length} failed)${o.failed.length && excuse ? ` — does not apply: ${excuse.reason}` : ""}`);
  }
  console.log(lines.join("\n"));
  return unexpected;
}

describe("MCP conformance suites", () => {
  it("the stable suite (2025 revisions): every failure is one that does not apply", async () => {
    const outcomes = await runSuite("stable", STABLE_CLI, []);
    expect(outcomes.find((o) => o.scenario === "tools-call-simple-text")?.failed).toEqual([]);
    expect(verdict(outcomes)).toEqual([]);
  }, 240_000);

  it("the alpha's 2026-07-28 requirements: every failure is one that does not apply", async () => {
    const outcomes = await runSuite("2026-07-28", ALPHA_CLI, ["--requirements", "2026-07-28"]);
    for (const scenario of ["server-stateless", "http-header-validation", "http-custom-header-server-validation", "tools-call-simple-text", "json-schema-2020-12", "dns-rebinding-protection"]) {
      expect(outcomes.find((o) => o.scenario === scenario)?.passed, scenario).toBeGreaterThan(0);
    }
    expect(verdict(outcomes)).toEqual([]);
  }, 240_000);
});

// `npm test`: the whole suite — unit and integration tests (vitest, against the machine's real
// Postgres) and the browser specs (Playwright in Chromium) when there are any. Ends with the
// plain line `N passed, N failed[, N skipped]` summed from the runners' JSON reports.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrap, buildDashboard } from "./bootstrap.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reports = path.join(root, "reports");
// What `git status` shows before the run: anything new afterwards is a file the suite wrote that
// .gitignore does not cover, and counts as a failure (npm test leaves git status as it found it).
const gitStatus = () => {
  const result = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: root, encoding: "utf8" });
  return result.status === 0 ? new Set(result.stdout.split("\n").filter(Boolean)) : undefined;
};
const statusBefore = gitStatus();
bootstrap();
// Several test files start the whole product at once; built here first, none of them builds
// the dashboard, so parallel builds never race into one .next directory.
buildDashboard();
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
let broken = false;

// Vitest: unit + integration.
const vitestJson = path.join(reports, "vitest.json");
const vitest = spawnSync("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`, ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, "utf8"));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A test file that fails to load has no failed test but a failed suite: count it as a failure.
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) totals.failed += r.numFailedTestSuites;
} else broken = true;
if (vitest.status !== 0) broken = true;

// Playwright: browser specs in e2e/ (*.spec.ts), in Debian's Chromium.
const specs = existsSync(path.join(root, "e2e")) ? readdirSync(path.join(root, "e2e"), { recursive: true }).filter((f) => String(f).endsWith(".spec.ts")) : [];
if (specs.length > 0 && process.argv.length <= 2) {
  const pwJson = path.join(reports, "playwright.json");
  const pw = spawnSync("npx", ["playwright", "test", "--config", "e2e/playwright.config.ts", "--reporter=list,json"], { cwd: root, stdio: "inherit", env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson } });
  if (existsSync(pwJson)) {
    const s = JSON.parse(readFileSync(pwJson, "utf8")).stats;
    totals.passed += s.expected + (s.flaky ?? 0);
    totals.failed += s.unexpected;
    totals.skipped += s.skipped;
  } else broken = true;
  if (pw.status !== 0) broken = true;
}

if (broken && totals.failed === 0) totals.failed = 1; // a runner crashed without a report
const leftBehind = statusBefore ? [...(gitStatus() ?? [])].filter((line) => !statusBefore.has(line)) : [];
if (leftBehind.length > 0) {
  console.error(`\nnpm test changed files git does not ignore:\n${leftBehind.map((l) => `  ${l}`).join("\n")}`);
  totals.failed += 1;
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(totals.failed > 0 ? 1 : 0);

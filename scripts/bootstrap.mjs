// Makes a fresh clone runnable: installs dependencies and generates the Prisma client when
// they are missing or stale. Plain Node with no dependencies, because it runs before any exist.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const at = (p) => path.join(root, p);
const mtime = (p) => (existsSync(at(p)) ? statSync(at(p)).mtimeMs : 0);

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(" ")} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

/** Newest modification time of the files under `dirs` (recursively). */
function newest(dirs) {
  let latest = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".next") || entry.name === "generated") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else latest = Math.max(latest, statSync(full).mtimeMs);
    }
  };
  dirs.forEach((d) => walk(at(d)));
  return latest;
}

/** Whether the dashboard has been built since its sources (and the lockfile) last changed. */
export function dashboardIsBuilt() {
  // NEXT_DIST_DIR lets several checkouts' test runs on one machine build side by side.
  const built = mtime(`apps/dashboard/${process.env.NEXT_DIST_DIR ?? ".next"}/BUILD_ID`);
  return built > newest(["apps/dashboard/app", "apps/dashboard/src", "packages/core/src", "packages/db/src"]) && built > mtime("package-lock.json");
}

/** The command that builds the dashboard, for callers that run it themselves (npm start, in the background). */
export const DASHBOARD_BUILD = { command: "npm", args: ["run", "build", "-w", "@tengine/dashboard", "--silent"], env: { NEXT_TELEMETRY_DISABLED: "1" } };

/** Builds the dashboard when it has never been built or its sources changed since. */
export function buildDashboard({ quiet = false } = {}) {
  if (dashboardIsBuilt()) return;
  if (!quiet) console.log("[bootstrap] building the dashboard (next build)…");
  run(DASHBOARD_BUILD.command, DASHBOARD_BUILD.args, DASHBOARD_BUILD.env);
}

export function bootstrap({ quiet = false } = {}) {
  const log = (m) => quiet || console.log(`[bootstrap] ${m}`);
  if (!existsSync(at("node_modules/.package-lock.json")) || mtime("package-lock.json") > mtime("node_modules/.package-lock.json")) {
    // `npm ci`, not `npm install`: exactly the lockfile, and the lockfile is never rewritten,
    // so a fresh clone installs the same everywhere and `git status` stays clean.
    log("installing dependencies (npm ci)…");
    run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
  }
  if (mtime("prisma/schema.prisma") > mtime("packages/db/src/generated/client.ts")) {
    log("generating the Prisma client…");
    // `prisma generate` only checks that a schema engine binary exists; generation itself runs
    // in JS. Pointing it at node avoids a download this environment cannot make.
    run("npx", ["prisma", "generate"], { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bootstrap();
  if (!process.argv.includes("--generate-only")) buildDashboard();
}

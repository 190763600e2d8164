import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
// Plain JS shared with `npm test` and the bench: which sources make a build stale.
import { DASHBOARD_BUILD, dashboardIsBuilt } from "./bootstrap.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export type DashboardOptions = {
  host: string;
  port: number;
  /** the URL users open (printed when it answers) */
  url: string;
  env: NodeJS.ProcessEnv;
  /** where the build's output goes; shown (its end) only when the build fails */
  buildLog: string;
  log: (line: string) => void;
};

/**
 * Builds the dashboard when its sources changed (minutes on a fresh clone), then serves it with
 * `next start`, in the background: `npm start` has already printed the MCP URL and key by then,
 * so MCP clients do not wait for the build. Prints the dashboard's URL once it answers
 * `/api/healthz`, or one line saying why it is not there; the gateway keeps running either way.
 */
export function startDashboard(options: DashboardOptions): { stop: () => void } {
  let stopped = false;
  let current: ChildProcess | undefined;
  const track = (child: ChildProcess) => {
    current = child;
    return new Promise<number | null>((resolve) => {
      child.once("error", () => resolve(-1));
      child.once("exit", (code) => resolve(code));
    });
  };

  void (async () => {
    if (!dashboardIsBuilt()) {
      options.log(` Dashboard    building (next build; minutes on a fresh clone, log: ${options.buildLog})…`);
      const out = createWriteStream(options.buildLog);
      const build = spawn(DASHBOARD_BUILD.command, DASHBOARD_BUILD.args, { cwd: root, env: { ...options.env, ...DASHBOARD_BUILD.env }, stdio: ["ignore", "pipe", "pipe"] });
      build.stdout!.pipe(out);
      build.stderr!.pipe(out);
      const code = await track(build);
      await new Promise((r) => out.end(r));
      if (stopped) return;
      if (code !== 0) {
        const tail = (await readFile(options.buildLog, "utf8").catch(() => "")).trimEnd().split("\n").slice(-30).join("\n");
        options.log(`dashboard build failed (exit ${code}); the gateway keeps running. End of ${options.buildLog}:\n${tail}`);
        return;
      }
    }
    if (stopped) return;
    const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
    const server = spawn(process.execPath, [nextBin, "start", "apps/dashboard", "-p", String(options.port), "-H", options.host], { cwd: root, env: options.env, stdio: ["ignore", "inherit", "inherit"] });
    const exited = track(server);
    void exited.then((code) => {
      if (!stopped) options.log(`dashboard exited (${code}); the gateway keeps running`);
    });
    const probeHost = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host.replace(/^\[?(.*?)\]?$/, "$1");
    const healthz = `http://${probeHost.includes(":") ? `[${probeHost}]` : probeHost}:${options.port}/api/healthz`;
    const ready = await waitForHttp(healthz, 120_000, () => stopped || server.exitCode !== null);
    if (stopped || server.exitCode !== null) return;
    options.log(ready ? ` Dashboard    ${options.url}   ready (sign in with the admin login above)` : `dashboard did not answer ${healthz} within 2 minutes; it keeps starting`);
  })();

  return {
    stop: () => {
      stopped = true;
      current?.kill("SIGTERM");
    },
  };
}

async function waitForHttp(url: string, timeoutMs: number, giveUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !giveUp()) {
    if (await fetch(url).then((r) => r.ok, () => false)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

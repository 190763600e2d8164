import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The line npm start prints once the dashboard answers (after the MCP banner). */
export const DASHBOARD_READY = /Dashboard\s+(http\S+)\s+ready/;

export type RunningProduct = {
  /** everything the process printed so far */
  output: () => string;
  /** resolves once the output matches `pattern` (e.g. the dashboard's ready line) */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
  /** SIGINT to the whole process group (a dashboard build still running stops too); waits for exit */
  stop: () => Promise<void>;
};

/**
 * Runs `npm start` (scripts/start.mjs) as a user would, with `env`, and resolves once it has
 * printed its banner (the MCP URL and key). The dashboard may still be building then: wait for
 * its ready line with `waitFor`. A fresh clone's first start installs dependencies and builds
 * the dashboard, which takes minutes on a busy machine: hence the generous default timeouts.
 */
export async function startProduct(env: NodeJS.ProcessEnv, timeoutMs = 580_000, options: { waitForDashboard?: boolean } = {}): Promise<RunningProduct> {
  let output = "";
  // Its own process group, so stopping it also stops a dashboard build still running.
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const product: RunningProduct = {
    output: () => output,
    waitFor: (pattern, timeoutMs = 580_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = setInterval(() => {
          const match = pattern.exec(output);
          if (match) resolve(match);
          else if (child.exitCode !== null || Date.now() > deadline) reject(new Error(`npm start never printed ${pattern}:\n${output}`));
          else return;
          clearInterval(check);
        }, 100);
      }),
    stop: async () => {
      if (!child.pid || child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGINT");
      await exited;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(check);
      reject(new Error(`npm start did not come up:\n${output}`));
    }, timeoutMs);
    const check = setInterval(() => {
      if (output.includes("Tengine is running") && output.includes("CLI (in another terminal)")) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    child.once("exit", (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  })
    // Most callers use the dashboard too: by default, also wait for its ready line.
    .then(() => (options.waitForDashboard === false ? undefined : product.waitFor(DASHBOARD_READY, timeoutMs)))
    .catch(async (error: unknown) => {
      await product.stop();
      throw error;
    });
  return product;
}

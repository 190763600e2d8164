import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { GatewayConfig } from "../src/env.ts";

const GATEWAY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * The gateway as its own OS process (`node --import tsx src/main.ts`), configured from the
 * environment exactly as in production, on a world's database and master key: a second
 * replica that shares nothing in memory with the test, and that the test can SIGKILL.
 */
export async function startGatewayProcess(config: GatewayConfig, extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  const metricsPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    DATABASE_URL: config.databaseUrl,
    ...(config.databaseSchema ? { DATABASE_SCHEMA: config.databaseSchema } : {}),
    EMBEDDED_DATABASE: "false",
    TENGINE_MASTER_KEY: config.masterKey,
    PUBLIC_GATEWAY_URL: config.publicUrl,
    GATEWAY_PORT: String(port),
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_METRICS_PORT: String(metricsPort),
    GATEWAY_METRICS_HOST: "127.0.0.1",
    ALLOW_PRIVATE_UPSTREAMS: config.allowPrivateUpstreams ? "true" : "false",
    LOG_LEVEL: "warn",
    ...extraEnv,
  };
  const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: GATEWAY_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8_000);
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`gateway process exited before it was healthy:\n${output}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`gateway process not healthy within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    pid: proc.pid!,
    mcpUrl: (slug: string) => `${base}/p/${slug}/mcp`,
    output: () => output,
    /** SIGKILL: no shutdown handler runs, nothing is flushed */
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      return exited;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

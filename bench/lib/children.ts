// Child processes of the benchmark (upstream, gateway): started with their output kept in a
// small ring buffer (printed when something fails), killed on exit, SIGINT and SIGTERM.
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";

export type Child = {
  name: string;
  proc: ChildProcess;
  /** the last lines the child wrote to stdout/stderr */
  output(): string;
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s) */
  stop(graceMs?: number): Promise<void>;
};

const running = new Set<Child>();

process.once("exit", () => {
  for (const child of running) child.proc.kill("SIGKILL");
});

function track(name: string, proc: ChildProcess): Child {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once("exit", (code, signal) => resolve({ code, signal }));
    proc.once("error", (error) => {
      lines.push(`spawn error: ${error.message}`);
      resolve({ code: -1, signal: null });
    });
  });
  const child: Child = {
    name,
    proc,
    output: () => lines.join("\n"),
    exited,
    async stop(graceMs = 5_000) {
      running.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** Stops every child still running (used by the signal handlers and the final cleanup). */
export async function stopAllChildren() {
  await Promise.all([...running].map((c) => c.stop()));
}

/** A TypeScript entry point in a process of its own, with an IPC channel. */
export function forkTs(name: string, file: string, options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const proc = fork(file, [], { cwd: options.cwd, env: options.env ?? process.env, execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
  return track(name, proc);
}

/** `node [nodeArgs] --import tsx <file>` with its output piped (no IPC). */
export function spawnTs(name: string, file: string, options: { cwd: string; env: NodeJS.ProcessEnv; nodeArgs?: string[] }) {
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", file], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  return track(name, proc);
}

/** The first IPC message of a forked child, or an error when it exits or times out first. */
export function firstMessage<T>(child: Child, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} did not report within ${timeoutMs} ms\n${child.output()}`)), timeoutMs);
    child.proc.once("message", (message) => {
      clearTimeout(timer);
      resolve(message as T);
    });
    void child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited (code ${code}, signal ${signal}) before it was ready\n${child.output()}`));
    });
  });
}

/** Polls `url` until it answers 200; fails early when the child exits. */
export async function waitForHttp200(child: Child, url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  let lastError = "";
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited before ${url} answered\n${child.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name}: ${url} did not answer 200 within ${timeoutMs} ms (last: ${lastError})\n${child.output()}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let clockTicks: number | undefined;

/** User and system (kernel: syscalls, loopback TCP) CPU ms of a process so far, from /proc; undefined elsewhere. */
export function processCpuSplitMs(pid: number | undefined): { user: number; system: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    if (clockTicks === undefined) {
      try {
        clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
      } catch {
        clockTicks = 100;
      }
    }
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: (Number(fields[11]) * 1000) / clockTicks, system: (Number(fields[12]) * 1000) / clockTicks };
  } catch {
    return undefined;
  }
}

type CpuSplit = { user: number; system: number };

/**
 * CPU ms so far of a process, or of every process of the local Postgres server ("postgres":
 * backends, WAL writer, checkpointer, autovacuum workers: the database's share of a call's
 * cost, which the gateway's own CPU does not show), by pid; undefined where /proc is not there.
 */
export function cpuSnapshot(source: number | "postgres" | undefined): Map<number, CpuSplit> | undefined {
  let pids: number[];
  if (source === undefined) return undefined;
  if (source !== "postgres") pids = [source];
  else {
    try {
      pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).filter(isPostgres);
    } catch {
      return undefined;
    }
  }
  const snapshot = new Map<number, CpuSplit>();
  for (const pid of pids) {
    const cpu = processCpuSplitMs(pid);
    if (cpu) snapshot.set(pid, cpu);
  }
  return snapshot.size > 0 ? snapshot : undefined;
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
  } catch {
    return false; // exited while we looked
  }
}

/**
 * CPU used between two snapshots: per process, so a process that started meanwhile counts
 * whole and one that exited (an autovacuum worker) cannot make it negative; what an exited
 * process used during the run is not counted.
 */
export function cpuBetween(before: Map<number, CpuSplit>, after: Map<number, CpuSplit>): CpuSplit {
  const used = { user: 0, system: 0 };
  for (const [pid, now] of after) {
    const then = before.get(pid) ?? { user: 0, system: 0 };
    used.user += now.user - then.user;
    used.system += now.system - then.system;
  }
  return used;
}

/**
 * The gateway (apps/gateway/src/main.ts) in its own process on a free port, on the given
 * database schema, healthy before this resolves.
 */
export async function startGatewayChild(root: string, database: { url: string; schema?: string }, masterKey: string, extraEnv: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // /metrics is served only on the gateway's internal listener.
  const metricsPort = await freePort();
  const child = spawnTs("gateway", "apps/gateway/src/main.ts", {
    cwd: root,
    nodeArgs,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      ...(database.schema ? { DATABASE_SCHEMA: database.schema } : {}),
      TENGINE_MASTER_KEY: masterKey,
      GATEWAY_PORT: String(port),
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_METRICS_PORT: String(metricsPort),
      GATEWAY_METRICS_HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      EMBEDDED_DATABASE: "false",
      ...extraEnv,
    },
  });
  await waitForHttp200(child, `${url}/healthz`, 60_000);
  return { child, url, metricsUrl: `http://127.0.0.1:${metricsPort}` };
}

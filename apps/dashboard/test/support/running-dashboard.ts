import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

/** `next build` when the dashboard's sources are newer than its build (what npm start does first). */
export function ensureDashboardBuilt(): void {
  const result = spawnSync(process.execPath, [path.join(root, "scripts/bootstrap.mjs")], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error(`building the dashboard failed (${result.status})`);
}

export type DashboardProcess = { child: ChildProcess; output: () => string; exited: Promise<number | null>; stop: () => Promise<void> };

/** `next start` for the dashboard with exactly `env` (as npm start or a deployment runs it). */
export function startDashboard(port: number, env: NodeJS.ProcessEnv): DashboardProcess {
  let output = "";
  const child = spawn(process.execPath, [nextBin, "start", "apps/dashboard", "-p", String(port), "-H", "127.0.0.1"], { cwd: root, env: { NEXT_TELEMETRY_DISABLED: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Resolves once the dashboard answers; rejects if it exits first or takes over `timeoutMs`. */
export async function waitUntilUp(dashboard: DashboardProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void dashboard.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the dashboard exited:\n${dashboard.output()}`);
    const ok = await fetch(`${url}/api/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the dashboard did not answer within ${timeoutMs} ms:\n${dashboard.output()}`);
}

/** A user agent: a cookie jar and manual redirects, so every hop can be checked. */
export class Browser {
  readonly cookies = new Map<string, string>();

  /** `base` may be a function when the dashboard's URL is known only once it has started. */
  constructor(private readonly base: string | (() => string)) {}

  /** A path on the dashboard, or any absolute URL (an OAuth flow crosses to the gateway). */
  async get(url: string | URL): Promise<Response> {
    return this.request(url, { method: "GET" });
  }

  async post(url: string | URL, form: [string, string][], headers: Record<string, string> = {}): Promise<Response> {
    return this.request(url, { method: "POST", body: new URLSearchParams(form), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
  }

  private async request(url: string | URL, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(typeof url === "string" && url.startsWith("/") ? `${typeof this.base === "string" ? this.base : this.base()}${url}` : url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** next-auth's credentials sign-in, as the login form does it; the answer's JSON (url or error). */
  async signIn(email: string, password: string): Promise<Response> {
    const { csrfToken } = (await (await this.get("/api/auth/csrf")).json()) as { csrfToken: string };
    return this.post("/api/auth/callback/credentials", [
      ["csrfToken", csrfToken],
      ["email", email],
      ["password", password],
      ["json", "true"],
    ]);
  }
}

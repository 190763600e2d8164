import { execFile, spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_READY, freePort, type RunningProduct, startProduct } from "./start-product.ts";

/**
 * The README's first command, as a new user runs it: `npm start` with nothing configured brings
 * up the embedded database, the demo CRM and the gateway, and prints a URL and a key with which
 * an MCP client does real work; the dashboard follows; `tengine runs list` then shows the runs.
 * It is safe by default: loopback only, random secrets kept in the data directory, the SSRF
 * guard on with only the demo CRM allowed, and a port in use is one line, not a stack trace.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);
let product: RunningProduct | undefined;
let output = "";
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "tengine-start-"));
  const [gatewayPort, crmPort, dashboardPort] = [await freePort(), await freePort(), await freePort()];
  env = { ...process.env, TENGINE_DATA_DIR: dataDir, GATEWAY_PORT: String(gatewayPort), DEMO_CRM_PORT: String(crmPort), DASHBOARD_PORT: String(dashboardPort), EMBEDDED_DB_PORT: "0", PUBLIC_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` };
  // Nothing configured: vitest.config.ts lifts the SSRF guard for other tests; npm start must not need that.
  for (const name of ["DATABASE_URL", "DATABASE_SCHEMA", "TENGINE_MASTER_KEY", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "ALLOW_PRIVATE_UPSTREAMS", "UPSTREAM_ALLOWLIST", "TENGINE_HOST", "GATEWAY_HOST"]) delete env[name];
  product = await startProduct(env, 580_000, { waitForDashboard: false });
  output = product.output();
}, 600_000);

afterAll(async () => {
  await product?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const mcpClient = async () => {
  const url = /MCP URL\s+(\S+)/.exec(output)![1]!;
  const key = /API key\s+(\S+)/.exec(output)![1]!;
  const client = new Client({ name: "new-user", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
};

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, host, () => socket.end(() => resolve(true)));
    socket.once("error", () => resolve(false));
  });

describe("npm start", () => {
  it("prints the MCP URL, an API key, the admin login and how long MCP took to answer", () => {
    expect(output).toMatch(/MCP URL\s+http:\/\/127\.0\.0\.1:\d+\/p\/demo\/mcp/);
    expect(output).toMatch(/API key\s+tengine_[A-Za-z0-9]{43}/);
    expect(output).toMatch(/Admin login\s+admin@tengine\.local \/ \S+/);
    expect(output).toMatch(/MCP ready \d+\.\d s after npm start; the dashboard follows/);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace anywhere
  });

  it("serves the demo tools to an MCP client, which does real work against the demo CRM", { timeout: 60_000 }, async () => {
    const client = await mcpClient();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["search_contacts", "create_contact", "get_company", "mcp_whoami"]));

    // The demo CRM verifies each request's signature with @tengine/sdk: success proves signing.
    const search: any = await client.callTool({ name: "search_contacts", arguments: {} });
    expect(search.isError, JSON.stringify(search)).toBeFalsy();
    // The demo tools are imported from the demo CRM's OpenAPI document: { pathParams, query, body }.
    const created: any = await client.callTool({ name: "create_contact", arguments: { body: { name: "Ada Lovelace", email: "ada@example.com" } } });
    expect(created.isError, JSON.stringify(created)).toBeFalsy();
    expect(JSON.stringify(created.structuredContent)).toContain("Ada Lovelace");
    const found: any = await client.callTool({ name: "search_contacts", arguments: { query: { q: "Lovelace" } } });
    expect(JSON.stringify(found.structuredContent)).toContain("ada@example.com");
    await client.close();
  });

  it("serves the dashboard once it is ready, with its URL printed, and it asks for a sign-in", { timeout: 600_000 }, async () => {
    const [, url] = await product!.waitFor(DASHBOARD_READY);
    expect(url).toBe(`http://localhost:${env.DASHBOARD_PORT}`);
    // Signing in with the printed login is e2e/specs/demo-admin.spec.ts (Chromium).
    const projects = await fetch(`http://127.0.0.1:${env.DASHBOARD_PORT}/projects`, { redirect: "manual" });
    expect(projects.status).toBe(307);
    expect(projects.headers.get("location")).toContain("/login");
    const login = await fetch(`http://127.0.0.1:${env.DASHBOARD_PORT}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("Sign in");
  });

  it("keeps a random master key and a separate random session secret in the data directory, owner-only", async () => {
    const masterKey = (await readFile(path.join(dataDir, "master.key"), "utf8")).trim();
    const sessionSecret = (await readFile(path.join(dataDir, "nextauth.secret"), "utf8")).trim();
    expect(Buffer.from(masterKey, "base64url")).toHaveLength(32);
    expect(Buffer.from(sessionSecret, "base64url")).toHaveLength(32);
    expect(sessionSecret).not.toBe(masterKey);
    for (const file of ["master.key", "nextauth.secret"]) expect((await stat(path.join(dataDir, file))).mode & 0o777, file).toBe(0o600);
  });

  it("listens on 127.0.0.1 only: the gateway, the dashboard and the demo CRM refuse another address", async () => {
    for (const port of [env.GATEWAY_PORT, env.DASHBOARD_PORT, env.DEMO_CRM_PORT].map(Number)) {
      expect(await accepts("127.0.0.1", port), `127.0.0.1:${port}`).toBe(true);
      // Another loopback address reaches a socket bound to 0.0.0.0, but not one bound to 127.0.0.1.
      expect(await accepts("127.0.0.2", port), `127.0.0.2:${port}`).toBe(false);
    }
    const metricsPort = Number(/metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(output)![1]);
    expect(await accepts("127.0.0.1", metricsPort)).toBe(true);
    expect(await accepts("127.0.0.2", metricsPort)).toBe(false);
  });

  it("shows the runs through the CLI, connected to the running embedded database", { timeout: 60_000 }, async () => {
    const { stdout } = await run(process.execPath, [path.join(root, "packages/cli/bin/tengine.mjs"), "--json", "runs", "list", "--project", "demo"], { cwd: root, env, timeout: 60_000 });
    const page = JSON.parse(stdout);
    const names = page.runs.map((r: { toolName: string }) => r.toolName);
    expect(names).toEqual(["search_contacts", "create_contact", "search_contacts"]);
    expect(page.runs.every((r: { status: string }) => r.status === "succeeded")).toBe(true);
  });

  it("keeps the SSRF guard on: a tool aimed at another loopback port is refused, without a request reaching it", { timeout: 60_000 }, async () => {
    let hits = 0;
    const other = http.createServer((_req, res) => {
      hits++;
      res.end("internal secret");
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const port = (other.address() as net.AddressInfo).port;
    try {
      const file = path.join(dataDir, "peek-tool.json");
      await writeFile(file, JSON.stringify({ name: "peek_local", description: "Another service on this machine", inputSchema: { type: "object", properties: {} }, method: "GET", url: `http://127.0.0.1:${port}/secret` }));
      await run(process.execPath, [path.join(root, "packages/cli/bin/tengine.mjs"), "--json", "tools", "create", "--project", "demo", "--file", file], { cwd: root, env, timeout: 60_000 });

      const client = await mcpClient();
      const refused: any = await client.callTool({ name: "peek_local", arguments: {} });
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toBe("Upstream request blocked: address 127.0.0.1 is loopback");
      expect(hits).toBe(0);
      // The demo CRM, the one allowlisted address, still works next to it.
      const demo: any = await client.callTool({ name: "search_contacts", arguments: {} });
      expect(demo.isError, JSON.stringify(demo)).toBeFalsy();
      await client.close();
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe("a port in use", () => {
  /** Runs a second `npm start` to its end; resolves with its exit code and everything it printed. */
  const secondStart = (overrides: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env: { ...env, ...overrides }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.once("exit", (code) => resolve({ code, out, err }));
    });

  it("stops a second npm start with one line naming the gateway port and GATEWAY_PORT", { timeout: 120_000 }, async () => {
    const second = await secondStart({});
    expect(second.code).toBe(1);
    expect(second.err).toBe(`npm start: port ${env.GATEWAY_PORT} (gateway) is already in use; set GATEWAY_PORT to a free port, or stop what is using it (another npm start?)\n`);
    expect(second.out).not.toContain("Tengine is running");
    // The first one is unharmed.
    expect(await accepts("127.0.0.1", Number(env.GATEWAY_PORT))).toBe(true);
  });

  it("names the demo CRM's port and DEMO_CRM_PORT when that one is taken", { timeout: 120_000 }, async () => {
    const [gateway, dashboard] = [await freePort(), await freePort()];
    const second = await secondStart({ GATEWAY_PORT: String(gateway), DASHBOARD_PORT: String(dashboard) });
    expect(second.code).toBe(1);
    expect(second.err).toBe(`npm start: port ${env.DEMO_CRM_PORT} (demo CRM) is already in use; set DEMO_CRM_PORT to a free port, or stop what is using it (another npm start?)\n`);
  });

  it("names the dashboard's port and DASHBOARD_PORT when something else holds it", { timeout: 120_000 }, async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    try {
      const [gateway, crm] = [await freePort(), await freePort()];
      const second = await secondStart({ GATEWAY_PORT: String(gateway), DEMO_CRM_PORT: String(crm), DASHBOARD_PORT: String(taken) });
      expect(second.code).toBe(1);
      expect(second.err).toBe(`npm start: port ${taken} (dashboard) is already in use; set DASHBOARD_PORT to a free port, or stop what is using it (another npm start?)\n`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type RunningProduct, startProduct } from "./start-product.ts";

/**
 * The README's first command, as a new user runs it: `npm start` with no DATABASE_URL brings
 * up the embedded database, the demo CRM and the gateway, and prints a URL and a key with
 * which an MCP client does real work; `tengine runs list` then shows the runs.
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
  delete env.DATABASE_URL;
  delete env.DATABASE_SCHEMA;
  delete env.TENGINE_MASTER_KEY;
  product = await startProduct(env);
  output = product.output();
}, 600_000);

afterAll(async () => {
  await product?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("prints the MCP URL, an API key and the admin login", () => {
    expect(output).toMatch(/MCP URL\s+http:\/\/127\.0\.0\.1:\d+\/p\/demo\/mcp/);
    expect(output).toMatch(/API key\s+tengine_[A-Za-z0-9]{43}/);
    expect(output).toMatch(/Admin login\s+admin@tengine\.local \/ \S+/);
    expect(output).toMatch(/Dashboard\s+http:\/\/localhost:\d+/);
  });

  it("serves the demo tools to an MCP client, which does real work against the demo CRM", { timeout: 60_000 }, async () => {
    const url = /MCP URL\s+(\S+)/.exec(output)![1]!;
    const key = /API key\s+(\S+)/.exec(output)![1]!;
    const client = new Client({ name: "new-user", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
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

  it("serves the dashboard, which asks for a sign-in", async () => {
    // Signing in with the printed login is e2e/specs/demo-admin.spec.ts (Chromium).
    const projects = await fetch(`http://127.0.0.1:${env.DASHBOARD_PORT}/projects`, { redirect: "manual" });
    expect(projects.status).toBe(307);
    expect(projects.headers.get("location")).toContain("/login");
    const login = await fetch(`http://127.0.0.1:${env.DASHBOARD_PORT}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("Sign in");
  });

  it("shows the runs through the CLI, connected to the running embedded database", { timeout: 60_000 }, async () => {
    const { stdout } = await run(process.execPath, [path.join(root, "packages/cli/bin/tengine.mjs"), "--json", "runs", "list", "--project", "demo"], { cwd: root, env, timeout: 60_000 });
    const page = JSON.parse(stdout);
    const names = page.runs.map((r: { toolName: string }) => r.toolName);
    expect(names).toEqual(["search_contacts", "create_contact", "search_contacts"]);
    expect(page.runs.every((r: { status: string }) => r.status === "succeeded")).toBe(true);
  });
});

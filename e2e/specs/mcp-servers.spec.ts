import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { dataDir, ports, urls } from "../playwright.config.ts";
import { mcpClient, open, screenshot, signIn } from "../support/helpers.ts";

// An admin adds an external MCP server in the dashboard: the real
// @modelcontextprotocol/server-everything from npm over Streamable HTTP, started here on the
// port the SSRF guard allows. The page lists its tools; the admin disables one and marks
// another read-only, and an MCP client of the project sees exactly that through the gateway.
// The admin works in a project of their own, so the shared demo project stays as it was.

test.describe.configure({ mode: "serial" });

const require = createRequire(import.meta.url);
const EVERYTHING_JS = path.join(path.dirname(require.resolve("@modelcontextprotocol/server-everything/package.json")), "dist", "index.js");
const credentials = () => JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as { adminEmail: string; adminPassword: string };
let everything: ChildProcess | undefined;

test.beforeAll(async () => {
  everything = spawn(process.execPath, [EVERYTHING_JS, "streamableHttp"], { env: { PATH: process.env.PATH ?? "", PORT: String(ports.mcp) }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let err = "";
    everything!.stderr!.on("data", (c: Buffer) => {
      err += c.toString();
      if (err.includes("listening on port")) resolve();
    });
    everything!.once("exit", (code) => reject(new Error(`server-everything exited with ${code}: ${err}`)));
  });
});

test.afterAll(() => {
  everything?.kill("SIGKILL");
});

test("an admin adds a Streamable HTTP server, sees its tools, disables one and marks one read-only", async ({ page }) => {
  const { adminEmail, adminPassword } = credentials();
  await signIn(page, adminEmail, adminPassword);
  let slug = "";

  await test.step("a project of its own that may call a plain-http upstream", async () => {
    await page.getByLabel("Project name").fill(`Federation ${Date.now() % 100000}`);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+$/);
    slug = page.url().split("/projects/")[1]!;
    await open(page, `/projects/${slug}/settings`);
    await page.getByLabel("Allow plain-http upstreams").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText(/saved/i).first()).toBeVisible();
  });

  await test.step("bad input is refused with the reason", async () => {
    await page.getByRole("link", { name: "MCP servers" }).click();
    await expect(page.getByRole("heading", { name: "MCP servers", exact: true })).toBeVisible();
    await page.getByLabel("Name", { exact: true }).fill("Everything Server");
    await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${ports.mcp}/mcp`);
    await page.getByRole("button", { name: "Add server" }).click();
    await expect(page.getByRole("alert").first()).toContainText(/lower-case/);
  });

  await test.step("add the server: it connects and its tools are listed", async () => {
    await page.getByLabel("Name", { exact: true }).fill("everything");
    await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${ports.mcp}/mcp`);
    await page.getByRole("button", { name: "Add server" }).click();
    await expect(page.getByRole("status").first()).toHaveText(/everything added with \d+ tools/);
    const row = page.getByRole("row").filter({ hasText: `127.0.0.1:${ports.mcp}` });
    await expect(row.getByText("ok", { exact: true })).toBeVisible();
    // The protocol revision the gateway negotiated with it (server-everything speaks the 2025 ones).
    await expect(row.getByText("2025-11-25", { exact: true })).toBeVisible();
    const tools = page.getByRole("table", { name: "Tools of everything" });
    await expect(tools.getByRole("row", { name: "Tool echo" })).toBeVisible();
    await expect(tools.getByRole("row", { name: "Tool get-sum" })).toBeVisible();
    // Default scopes shown as the placeholder: a federated tool is a write until marked read-only.
    await expect(tools.getByLabel("get-sum required scopes")).toHaveAttribute("placeholder", "everything:write");
    await screenshot(page, "mcp-servers");
  });

  await test.step("disable echo and mark get-sum read-only", async () => {
    const tools = page.getByRole("table", { name: "Tools of everything" });
    await tools.getByLabel("echo enabled").uncheck();
    await tools.getByRole("button", { name: "Save echo" }).click();
    await expect(tools.getByRole("row", { name: "Tool echo" }).getByRole("status")).toHaveText("everything_echo saved (disabled)");
    await tools.getByLabel("get-sum read-only").check();
    await tools.getByRole("button", { name: "Save get-sum" }).click();
    await expect(tools.getByRole("row", { name: "Tool get-sum" }).getByRole("status")).toHaveText("everything_get-sum saved");
    // What is stored is what the page shows after a reload.
    await page.reload();
    await expect(page.getByRole("table", { name: "Tools of everything" }).getByLabel("echo enabled")).not.toBeChecked();
    await expect(page.getByRole("table", { name: "Tools of everything" }).getByLabel("get-sum required scopes")).toHaveAttribute("placeholder", "everything:read");
  });

  const key = await test.step("a client of the project sees it through the gateway", async () => {
    await open(page, `/projects/${slug}/keys`);
    await page.getByLabel("Name", { exact: true }).fill("federation client");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    const client = await mcpClient(`${urls.gateway}/p/${slug}/mcp`, key);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("everything_get-sum");
    expect(names).not.toContain("everything_echo");
    expect(tools.find((t) => t.name === "everything_get-sum")!.annotations).toMatchObject({ readOnlyHint: true });
    const sum = await client.callTool({ name: "everything_get-sum", arguments: { a: 19, b: 23 } });
    expect(JSON.stringify(sum.content)).toContain("42");
    await expect(client.callTool({ name: "everything_echo", arguments: { message: "x" } })).rejects.toThrow(/Unknown tool: everything_echo/);
    await client.close();
    return key;
  });

  await test.step("a server listed on request is listed only for the key whose toolsets name it", async () => {
    await open(page, `/projects/${slug}/mcp-servers`);
    await page.getByLabel("Name", { exact: true }).fill("support");
    await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${ports.mcp}/mcp`);
    await page.getByLabel("Listed for").selectOption("requested");
    await page.getByRole("button", { name: "Add server" }).click();
    await expect(page.getByRole("status").first()).toHaveText(/support added with \d+ tools/);
    const listed = async () => {
      const client = await mcpClient(`${urls.gateway}/p/${slug}/mcp`, key);
      const names = (await client.listTools()).tools.map((t) => t.name);
      await client.close();
      return names;
    };
    expect(await listed()).not.toContain("support_echo");
    const form = page.getByRole("form", { name: "Toolsets of federation client" });
    await form.getByLabel("federation client toolsets").fill("support");
    await form.getByRole("button", { name: "Save toolsets of federation client" }).click();
    await expect(form.getByRole("status")).toHaveText("asks for support");
    expect(await listed()).toContain("support_echo");
  });
});

import { describe, expect, it } from "vitest";
import { formatMs, formatPercent, formatRate, tickFormatter } from "./format.ts";
import { API_KEY_PLACEHOLDER, setupSnippets } from "./setup-snippets.ts";

const url = "https://gw.example.com/p/acme-crm/mcp";
const snippets = setupSnippets({ url, slug: "acme-crm", projectName: "Acme CRM" });
const byId = Object.fromEntries(snippets.map((s) => [s.id, s]));

describe("setupSnippets", () => {
  it("gives Claude Code a one-line `claude mcp add` with the bearer header", () => {
    expect(byId["claude-code"]!.code).toBe(`claude mcp add --transport http acme-crm ${url} --header "Authorization: Bearer ${API_KEY_PLACEHOLDER}"`);
  });

  it("gives Cursor an mcpServers entry with url and headers", () => {
    expect(JSON.parse(byId.cursor!.code)).toEqual({ mcpServers: { "acme-crm": { url, headers: { Authorization: `Bearer ${API_KEY_PLACEHOLDER}` } } } });
  });

  it("gives VS Code an http server whose key comes from a password prompt", () => {
    const config = JSON.parse(byId.vscode!.code);
    expect(config.inputs).toEqual([{ type: "promptString", id: "acme-crm-api-key", description: "Tengine API key for Acme CRM", password: true }]);
    expect(config.servers["acme-crm"]).toEqual({ type: "http", url, headers: { Authorization: "Bearer ${input:acme-crm-api-key}" } });
    expect(byId.vscode!.code).not.toContain(API_KEY_PLACEHOLDER);
  });

  it("gives the TypeScript SDK a StreamableHTTPClientTransport with requestInit headers", () => {
    const code = byId.typescript!.code;
    expect(code).toContain(`new StreamableHTTPClientTransport(new URL("${url}"), {`);
    expect(code).toContain("requestInit: { headers: { Authorization: `Bearer ${process.env.TENGINE_API_KEY}` } }");
  });
});

describe("overview formatting", () => {
  it("formats latencies, rates and percentages for people", () => {
    expect([null, 0.4, 3, 45.6, 1000, 2500, 12_000].map(formatMs)).toEqual(["—", "0.4 ms", "3 ms", "46 ms", "1 s", "2.5 s", "12 s"]);
    expect([null, 0, 0.0004, 0.01, 0.036, 0.5].map(formatPercent)).toEqual(["—", "0%", "<0.1%", "1%", "3.6%", "50%"]);
    expect([0, 0.004, 0.05, 0.6, 14].map(formatRate)).toEqual(["0", "<0.01", "0.05", "0.6", "14"]);
  });

  it("labels axis ticks with the decimals their step needs", () => {
    const small = [0, 0.005, 0.01];
    expect(small.map(tickFormatter(small, ""))).toEqual(["0", "0.005", "0.010"]);
    const seconds = [0, 1000, 2000];
    expect(seconds.map(tickFormatter(seconds, "ms"))).toEqual(["0 ms", "1 s", "2 s"]);
  });
});

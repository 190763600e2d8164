import { createApiKey } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonChunks, RawJson, stringifyJson } from "../src/http/raw-json.ts";
import { rpc, startWorld } from "./harness.ts";

// A 2025-era tools/list is serialized once per project version and caller's scopes and
// toolsets, then spliced into each answer. Every caller must still see exactly its own list,
// and a change to the tools must show at once.

let world: Awaited<ReturnType<typeof startWorld>>;
let project: Awaited<ReturnType<typeof world.createProjectWithKey>>;
let readerKey: string;

const tool = (name: string, requiredScopes: string[] = []) => ({ name, description: `${name} "quoted" \\ and ünïcode`, inputSchema: { type: "object" }, method: "GET" as const, url: "http://127.0.0.1:9/x", requiredScopes });

beforeAll(async () => {
  world = await startWorld("tool_list_cache");
  project = await world.createProjectWithKey("Lists");
  await world.addTool(project.project.id, tool("read_items", ["items:read"]));
  await world.addTool(project.project.id, tool("write_items", ["items:write"]));
  readerKey = (await createApiKey(world.db, project.project.id, { name: "reader", scopes: ["items:read"] })).key;
}, 60_000);
afterAll(() => world?.close());

const names = async (key: string) => {
  const res = await rpc(project.mcpUrl, { jsonrpc: "2.0", id: 7, method: "tools/list" }, { authorization: `Bearer ${key}`, "mcp-protocol-version": "2025-06-18" });
  expect(res.status).toBe(200);
  expect(res.json.id).toBe(7);
  return (res.json.result.tools as Array<{ name: string; description?: string }>).map((t) => t.name).filter((n) => !n.startsWith("mcp_") && !n.startsWith("tengine_"));
};

describe("2025-era tools/list from its serialized form", () => {
  it("gives each caller its own list, alternately, and shows a change to the tools at once", async () => {
    for (let i = 0; i < 2; i++) {
      expect(await names(project.key)).toEqual(["read_items", "write_items"]);
      expect(await names(readerKey)).toEqual(["read_items"]);
    }
    await world.addTool(project.project.id, tool("archive_items", ["items:read"]));
    expect(await names(readerKey)).toEqual(["archive_items", "read_items"]);
    expect(await names(project.key)).toEqual(["archive_items", "read_items", "write_items"]);
  });

  it("answers a batch of lists, each under its own id", async () => {
    const res = await rpc(project.mcpUrl, [{ jsonrpc: "2.0", id: 1, method: "tools/list" }, { jsonrpc: "2.0", id: "two", method: "tools/list" }], { authorization: `Bearer ${readerKey}`, "mcp-protocol-version": "2025-06-18" });
    expect(res.json.map((r: { id: unknown }) => r.id)).toEqual([1, "two"]);
    expect(res.json[0].result).toEqual(res.json[1].result);
    expect(res.json[0].result.tools.find((t: { name: string }) => t.name === "read_items").description).toBe('read_items "quoted" \\ and ünïcode');
  });
});

describe("stringifyJson", () => {
  it("splices serialized JSON in place, and leaves look-alike strings alone", () => {
    const raw = new RawJson(JSON.stringify([{ a: 'x"y' }]));
    expect(JSON.parse(stringifyJson({ id: 1, result: { tools: raw }, again: [raw], text: "\u0000raw-0000-0" }))).toEqual({ id: 1, result: { tools: [{ a: 'x"y' }] }, again: [[{ a: 'x"y' }]], text: "\u0000raw-0000-0" });
    expect(stringifyJson({ plain: [1, "two"] })).toBe('{"plain":[1,"two"]}');
  });

  it("gives the same JSON as pieces to write, the raw part as its UTF-8 bytes", () => {
    const raw = new RawJson(JSON.stringify([{ name: "ünï", text: 'a"b' }]));
    const value = { jsonrpc: "2.0", id: "x", result: { tools: raw, next: "é" } };
    const chunks = jsonChunks(value);
    expect(chunks).toHaveLength(3);
    expect(Buffer.isBuffer(chunks[1])).toBe(true);
    expect(Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))).toString("utf8")).toBe(stringifyJson(value));
    expect(jsonChunks({ plain: true })).toEqual(['{"plain":true}']);
  });

  it("refuses to serialize a RawJson through plain JSON.stringify, which would lose it", () => {
    expect(() => JSON.stringify({ raw: new RawJson("[]") })).toThrow("stringifyJson");
  });
});

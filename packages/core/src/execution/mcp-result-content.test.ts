import { describe, expect, it } from "vitest";
import { federatedToolResult, recordedToolResult, resultForProtocol } from "./mcp-result-content.ts";
import { toolResultSchema } from "./tool-result.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("federatedToolResult", () => {
  it("keeps every content type, its annotations, and structuredContent; the idempotency schema reads it back", () => {
    const upstream = {
      content: [
        { type: "text" as const, text: "hello", annotations: { priority: 0.5 } },
        { type: "image" as const, data: b64("png-bytes"), mimeType: "image/png" },
        { type: "audio" as const, data: b64("wav-bytes"), mimeType: "audio/wav" },
        { type: "resource" as const, resource: { uri: "test://a", mimeType: "text/plain", text: "doc" } },
        { type: "resource" as const, resource: { uri: "test://b", blob: b64("blob") } },
        { type: "resource_link" as const, uri: "test://c", name: "C", mimeType: "text/plain" },
      ],
      structuredContent: { n: 1 },
    };
    const result = federatedToolResult(upstream, 10_000, []);
    expect(result.content).toEqual(upstream.content);
    expect(result.structuredContent).toEqual({ n: 1 });
    expect(toolResultSchema.parse(result)).toEqual(result);
  });

  it("redacts secrets from text and withholds a binary block whose bytes carry one", () => {
    const result = federatedToolResult(
      {
        content: [
          { type: "text", text: "token=sk-live-1234" },
          { type: "resource", resource: { uri: "test://env", mimeType: "application/octet-stream", blob: b64("env: sk-live-1234") } },
          { type: "image", data: b64("clean"), mimeType: "image/png" },
        ],
        structuredContent: { token: "sk-live-1234" },
      },
      10_000,
      ["sk-live-1234"],
    );
    expect(JSON.stringify(result)).not.toContain("sk-live-1234");
    expect(JSON.stringify(result)).not.toContain(b64("env: sk-live-1234"));
    expect(result.content[1]).toEqual({ type: "text", text: "[resource test://env (application/octet-stream, 17 bytes) withheld: it contains a credential value of the server]" });
    expect(result.content[2]).toMatchObject({ type: "image" });
  });

  it("over the response limit: text is cut, a binary block is replaced by a note", () => {
    const result = federatedToolResult({ content: [{ type: "text", text: "x".repeat(30) }, { type: "image", data: b64("y".repeat(30)), mimeType: "image/png" }] }, 20, []);
    expect(result.content[0]).toEqual({ type: "text", text: `${"x".repeat(20)}… [cut at 20 bytes]` });
    expect(result.content[1]).toEqual({ type: "text", text: "[image (image/png, 30 bytes) omitted: the result is above the tool's response limit of 20 bytes]" });
  });
});

describe("recordedToolResult", () => {
  it("describes binary blocks instead of storing their bytes", () => {
    const recorded = recordedToolResult({ content: [{ type: "text", text: "t" }, { type: "audio", data: b64("abcd"), mimeType: "audio/wav" }] });
    expect(recorded.content).toEqual([{ type: "text", text: "t" }, { type: "text", text: "[audio (audio/wav, 4 bytes)]" }]);
  });
});

describe("resultForProtocol", () => {
  const link = { type: "resource_link" as const, uri: "test://c", name: "C" };
  const audio = { type: "audio" as const, data: b64("abcd"), mimeType: "audio/wav" };
  it("keeps resource links for 2025-06-18 and later, turns them into text before", () => {
    const result = { content: [link] };
    expect(resultForProtocol(result, "2025-11-25")).toBe(result);
    expect(resultForProtocol(result, "2025-06-18")).toBe(result);
    expect(resultForProtocol(result, "2025-03-26").content).toEqual([{ type: "text", text: JSON.stringify(link) }]);
    // No MCP-Protocol-Version header: 2025-03-26, as the specification says.
    expect(resultForProtocol(result, undefined).content[0]!.type).toBe("text");
  });

  it("describes audio to 2024-11-05 clients", () => {
    expect(resultForProtocol({ content: [audio] }, "2024-11-05").content).toEqual([{ type: "text", text: "[audio (audio/wav, 4 bytes): this client's protocol version 2024-11-05 has no audio content]" }]);
    expect(resultForProtocol({ content: [audio] }, "2025-03-26").content).toEqual([audio]);
  });
});

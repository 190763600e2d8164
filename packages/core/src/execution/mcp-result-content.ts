import type { CallToolResult } from "@modelcontextprotocol/client";
import { redactDeep } from "../runs/redact.ts";
import type { ContentBlock, ToolResult } from "./tool-result.ts";

type UpstreamBlock = CallToolResult["content"][number];

/**
 * A federated server's `CallToolResult` as the gateway answers it: every MCP content type
 * passes through (text, image, audio, embedded text or blob resources, resource links) with
 * its annotations, and `structuredContent` is kept. Secrets are redacted from text; a binary
 * block whose bytes contain a credential value is withheld (base64 hides it from text
 * redaction). Past `maxBytes` in total, text is cut and binary blocks are replaced by a note,
 * so the client always learns what it did not get. Unknown block types travel as their JSON.
 */
export function federatedToolResult(upstream: CallToolResult, maxBytes: number, secretValues: readonly string[]): ToolResult {
  let budget = maxBytes;
  const take = (bytes: number) => {
    const fits = bytes <= budget;
    budget = fits ? budget - bytes : 0;
    return fits;
  };
  const cut = (text: string) => {
    const room = budget;
    if (take(Buffer.byteLength(text))) return text;
    return `${Buffer.from(text).subarray(0, Math.max(0, room)).toString("utf8")}… [cut at ${maxBytes} bytes]`;
  };
  const content = (upstream.content ?? []).map((block): ContentBlock => {
    const redacted = redactDeep(block, secretValues) as UpstreamBlock;
    const binary = binaryOf(redacted);
    if (binary !== undefined) {
      if (containsSecret(binary, secretValues)) return { type: "text", text: `[${describeBlock(redacted)} withheld: it contains a credential value of the server]` };
      if (!take(Buffer.byteLength(binary))) return { type: "text", text: `[${describeBlock(redacted)} omitted: the result is above the tool's response limit of ${maxBytes} bytes]` };
      return redacted as ContentBlock;
    }
    if (redacted.type === "text") return { ...redacted, text: cut(redacted.text) };
    if (redacted.type === "resource" && "text" in redacted.resource) return { ...redacted, resource: { ...redacted.resource, text: cut(redacted.resource.text) } } as ContentBlock;
    if (redacted.type === "resource_link") return take(Buffer.byteLength(JSON.stringify(redacted))) ? (redacted as ContentBlock) : { type: "text", text: `[resource link omitted: above the tool's response limit of ${maxBytes} bytes]` };
    return { type: "text", text: cut(JSON.stringify(redacted)) };
  });
  const structuredContent = upstream.structuredContent ? (redactDeep(upstream.structuredContent, secretValues) as Record<string, unknown>) : undefined;
  const structured = structuredContent && Buffer.byteLength(JSON.stringify(structuredContent)) <= maxBytes ? { structuredContent } : {};
  return { content, ...structured, ...(upstream.isError ? { isError: true } : {}) };
}

/**
 * The result as a run records it: text kept, the bytes of images, audio and blobs described
 * (type, media type, size), never stored, as for binary HTTP responses.
 */
export function recordedToolResult(result: ToolResult): ToolResult {
  return {
    ...result,
    content: result.content.map((block) => {
      const binary = binaryOf(block as UpstreamBlock);
      return binary === undefined ? block : { type: "text", text: `[${describeBlock(block as UpstreamBlock)}]` };
    }),
  };
}

/** What a server assumes when a request carries no `MCP-Protocol-Version` (2025-06-18, "Protocol Version Header"). */
const ASSUMED_PROTOCOL_VERSION = "2025-03-26";

/** The first protocol revision that has each content type; older clients get it as text. */
const INTRODUCED_IN: Partial<Record<ContentBlock["type"], string>> = { audio: "2025-03-26", resource_link: "2025-06-18" };

/**
 * A result for a client on an older protocol revision (the request's `MCP-Protocol-Version`;
 * absent means 2025-03-26, as the specification says): a content type that revision does not
 * have becomes a text block with its JSON (audio as a description), so the client can still
 * validate the answer.
 */
export function resultForProtocol(result: ToolResult, requestVersion: string | undefined): ToolResult {
  const protocolVersion = requestVersion ?? ASSUMED_PROTOCOL_VERSION;
  if (!result.content.some((b) => (INTRODUCED_IN[b.type] ?? "") > protocolVersion)) return result;
  return {
    ...result,
    content: result.content.map((block) => {
      if ((INTRODUCED_IN[block.type] ?? "") <= protocolVersion) return block;
      return { type: "text", text: block.type === "audio" ? `[${describeBlock(block as UpstreamBlock)}: this client's protocol version ${protocolVersion} has no audio content]` : JSON.stringify(block) };
    }),
  };
}

/** The base64 bytes of a block, if it carries any. */
function binaryOf(block: UpstreamBlock): string | undefined {
  if (block.type === "image" || block.type === "audio") return block.data;
  if (block.type === "resource" && "blob" in block.resource) return block.resource.blob;
  return undefined;
}

function describeBlock(block: UpstreamBlock): string {
  const binary = binaryOf(block);
  const size = binary === undefined ? "" : `, ${Math.floor((binary.length * 3) / 4) - (binary.endsWith("==") ? 2 : binary.endsWith("=") ? 1 : 0)} bytes`;
  if (block.type === "resource") return `resource ${block.resource.uri} (${block.resource.mimeType ?? "no media type"}${size})`;
  if (block.type === "image" || block.type === "audio") return `${block.type} (${block.mimeType}${size})`;
  return block.type;
}

function containsSecret(base64: string, secretValues: readonly string[]): boolean {
  if (!secretValues.length) return false;
  const bytes = Buffer.from(base64, "base64");
  return secretValues.some((s) => s.length >= 4 && bytes.includes(s));
}

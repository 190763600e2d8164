import { isUtf8 } from "node:buffer";
import { STATUS_CODES } from "node:http";
import type { ContentBlock } from "../execution/tool-result.ts";
import type { SendFailure, SendSuccess } from "./outbound-client.ts";
import { isPlainObject } from "../validation/is-plain-object.ts";

/** An MCP `tools/call` result body (without `_meta`, which the caller adds). */
export interface ToolCallResult {
  content: ContentBlock[];
  structuredContent?: Record<string, unknown>;
  isError: boolean;
}

export const ERROR_EXCERPT_CHARS = 2_000;

/** Media types decoded as UTF-8 text; every other declared type is treated as binary. */
const TEXTUAL_TYPE = /^text\/|json|xml|javascript|ecmascript|yaml|csv|urlencoded|graphql/;

export function mediaType(headers: Record<string, string>): string | undefined {
  const value = headers["content-type"];
  if (!value) return undefined;
  return value.split(";")[0]?.trim().toLowerCase() || undefined;
}

function isJsonType(type: string | undefined): boolean {
  return type !== undefined && (type === "application/json" || type.endsWith("+json"));
}

/**
 * The body as text, or `undefined` when it is binary: declared non-text types, or (without a
 * content type) bytes that are not UTF-8. A multi-byte character cut by truncation is dropped.
 */
export function bodyText(body: Buffer, type: string | undefined): string | undefined {
  if (type !== undefined && !TEXTUAL_TYPE.test(type)) return undefined;
  // Valid UTF-8 without a byte-order mark (almost every body) decodes the same with Buffer's
  // decoder, without a TextDecoder per call; the rest (a BOM to drop, a cut character, bytes
  // that are not UTF-8) goes through TextDecoder below.
  if (!(body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) && isUtf8(body)) return body.toString("utf8");
  try {
    return new TextDecoder("utf-8", { fatal: type === undefined }).decode(body, { stream: true });
  } catch {
    return undefined;
  }
}

function binaryNote(type: string | undefined, size: number): string {
  return `[binary response: ${type ?? "unknown content type"}, ${size} bytes]`;
}

function truncationNote(result: SendSuccess, maxResponseBytes: number): string {
  return result.truncated ? `\n[response truncated at ${maxResponseBytes} bytes]` : "";
}

/**
 * Maps an upstream response to a tool result (DESIGN §7 step 11): a JSON object becomes
 * `structuredContent` plus its text; other JSON and text become text; binary bodies a short note;
 * non-2xx is `isError` with the status and a body excerpt; a truncated body is never parsed and
 * ends with a note.
 */
export function mapResponse(result: SendSuccess, maxResponseBytes: number): ToolCallResult {
  const type = mediaType(result.headers);
  const text = bodyText(result.body, type);
  const note = truncationNote(result, maxResponseBytes);

  if (result.status < 200 || result.status > 299) {
    const reason = STATUS_CODES[result.status] ?? "";
    const head = `HTTP ${result.status}${reason ? ` ${reason}` : ""}`;
    const excerpt =
      text === undefined
        ? binaryNote(type, result.body.length)
        : text.length > ERROR_EXCERPT_CHARS
          ? `${text.slice(0, ERROR_EXCERPT_CHARS)}…`
          : text;
    return {
      content: [{ type: "text", text: excerpt.trim() === "" ? `${head}${note}` : `${head}: ${excerpt}${note}` }],
      isError: true,
    };
  }

  if (text === undefined) {
    // Cut bytes are a broken file: only a whole binary body is passed on as content.
    if (result.truncated || result.body.length === 0) return { content: [{ type: "text", text: `${binaryNote(type, result.body.length)}${note}` }], isError: false };
    return { content: [binaryContent(result.body, type ?? "application/octet-stream")], isError: false };
  }
  if (!result.truncated && (isJsonType(type) || type === undefined) && text.trim() !== "") {
    try {
      const value: unknown = JSON.parse(text);
      const json = JSON.stringify(value);
      return isPlainObject(value)
        ? { content: [{ type: "text", text: json }], structuredContent: value, isError: false }
        : { content: [{ type: "text", text: json }], isError: false };
    } catch {
      // Declared JSON that is not: fall back to the raw text.
    }
  }
  return { content: [{ type: "text", text: `${text}${note}` }], isError: false };
}

/**
 * A binary response as MCP content, its media type kept: `image/*` and `audio/*` as image and
 * audio blocks, anything else as an embedded resource (a `blob`).
 */
function binaryContent(body: Buffer, mimeType: string): ContentBlock {
  const data = body.toString("base64");
  if (mimeType.startsWith("image/")) return { type: "image", data, mimeType };
  if (mimeType.startsWith("audio/")) return { type: "audio", data, mimeType };
  return { type: "resource", resource: { uri: "tengine:response", mimeType, blob: data } };
}

function attempts(n: number): string {
  return `${n} attempt${n === 1 ? "" : "s"}`;
}

/** A send that produced no response, as a tool error naming the problem (never secrets). */
export function mapSendFailure(failure: SendFailure): ToolCallResult {
  const text = (() => {
    switch (failure.kind) {
      case "blocked":
        return `Upstream request blocked: ${failure.message}`;
      case "invalid_url":
        return `Upstream URL is invalid: ${failure.message}`;
      case "timeout":
        return `Upstream timed out after ${attempts(failure.attempts)}`;
      case "network":
        return `Upstream request failed after ${attempts(failure.attempts)}: ${failure.message}`;
    }
  })();
  return { content: [{ type: "text", text }], isError: true };
}

import { z } from "zod";
import { isPlainObject } from "../validation/is-plain-object.ts";

/**
 * How a tool's rendered body goes on the wire. Without one the body is JSON. The others follow
 * OpenAPI 3's request body media types and their Encoding Objects:
 *
 * - `form`: `application/x-www-form-urlencoded`; each top-level property is encoded with its
 *   `style` (`form`, `spaceDelimited`, `pipeDelimited`, `deepObject`) and `explode`;
 * - `multipart`: `multipart/form-data`; a file part is given as `{ base64, filename?, contentType? }`
 *   or `{ url, filename?, contentType? }` (fetched by the gateway, size-limited);
 * - `binary`: the body is the bytes of `{ base64, contentType? }` (or a base64 string);
 * - `text`: the body is a string sent as it is.
 */
const FORM_STYLES = ["form", "spaceDelimited", "pipeDelimited", "deepObject"] as const;
const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/(?:\*|[A-Za-z0-9][\w!#$&^.+-]*)$/;
const mediaType = z.string().max(200).regex(MEDIA_TYPE, "must be a media type such as application/octet-stream or image/*");

/** A header field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Written by the encoder itself: a part header may not replace them. */
const RESERVED_PART_HEADERS = new Set(["content-type", "content-disposition", "content-length"]);
const partHeaderName = z
  .string()
  .max(100)
  .regex(HEADER_NAME, "must be a header name (letters, digits, - and the like)")
  .refine((name) => !RESERVED_PART_HEADERS.has(name.toLowerCase()), "is written by the gateway (use contentType and filename)");
// No CR, LF or NUL: a value may not start another header or part.
const partHeaderValue = z.string().max(1000).regex(/^[^\r\n\0]*$/, "may not contain CR, LF or NUL");

const fieldEncodingSchema = z
  .object({
    style: z.enum(FORM_STYLES).optional(),
    explode: z.boolean().optional(),
    contentType: mediaType.optional(),
    /** Multipart only: headers sent with the part (the Encoding Object's `headers` that have a fixed value). */
    headers: z.record(partHeaderName, partHeaderValue).optional(),
  })
  .strict();

export const bodyEncodingSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("json") }).strict(),
  z.object({ type: z.literal("form"), fields: z.record(z.string(), fieldEncodingSchema).optional() }).strict(),
  z.object({ type: z.literal("multipart"), fields: z.record(z.string(), fieldEncodingSchema).optional() }).strict(),
  z.object({ type: z.literal("binary"), contentType: mediaType }).strict(),
  z.object({ type: z.literal("text"), contentType: mediaType }).strict(),
]);

export type BodyEncoding = z.infer<typeof bodyEncodingSchema>;

/** A stored `bodyEncoding` column, validated on read like any input (a broken one throws). */
export function parseBodyEncoding(value: unknown): BodyEncoding {
  return bodyEncodingSchema.parse(value);
}
export type FieldEncoding = z.infer<typeof fieldEncodingSchema>;

/** Largest binary body or file part, decoded (base64 or fetched). */
export const MAX_BINARY_BYTES = 10 * 1024 * 1024;
/** How deep a form body may nest (`a[b][c]…`). */
export const MAX_FORM_DEPTH = 32;

/** A body that cannot be encoded; the message names the place. */
export class BodyEncodingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- form

/**
 * `application/x-www-form-urlencoded` pairs for a body object (OpenAPI 3 §4.8.15 Encoding
 * Object, §4.8.12.4 style values). Objects and arrays below the top level always use the
 * bracket notation of `deepObject` (`items[0][price]=…`), as Stripe and Rails read it.
 */
export function formPairs(body: unknown, fields: Record<string, FieldEncoding> = {}): [string, string][] {
  if (!isPlainObject(body)) throw new BodyEncodingError("body", `a form body must be an object, not ${kindOf(body)}`);
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    const encoding = fields[name] ?? {};
    const style = encoding.style ?? "form";
    const explode = encoding.explode ?? style === "form";
    if (isScalar(value)) {
      pairs.push([name, String(value)]);
    } else if (style === "deepObject") {
      brackets(name, value, pairs, `body.${name}`, 1);
    } else if (Array.isArray(value) && value.every(isScalar)) {
      if (style === "form" && explode) for (const item of value) pairs.push([name, String(item)]);
      else pairs.push([name, value.map(String).join(style === "spaceDelimited" ? " " : style === "pipeDelimited" ? "|" : ",")]);
    } else if (isPlainObject(value) && Object.values(value).every((v) => v === null || v === undefined || isScalar(v)) && style === "form") {
      const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
      if (explode) for (const [k, v] of entries) pairs.push([k, String(v)]);
      else pairs.push([name, entries.flatMap(([k, v]) => [k, String(v)]).join(",")]);
    } else {
      // Nested structures have no form-style serialisation: bracket notation is the convention.
      brackets(name, value, pairs, `body.${name}`, 1);
    }
  }
  return pairs;
}

function brackets(prefix: string, value: unknown, pairs: [string, string][], where: string, depth: number) {
  if (depth > MAX_FORM_DEPTH) throw new BodyEncodingError(where, `${where} is nested deeper than ${MAX_FORM_DEPTH} levels`);
  if (value === undefined || value === null) return;
  if (isScalar(value)) {
    pairs.push([prefix, String(value)]);
    return;
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : isPlainObject(value) ? Object.entries(value) : [];
  // An empty object or list is sent as an empty value: how Stripe clears metadata.
  if (entries.length === 0) pairs.push([prefix, ""]);
  for (const [key, item] of entries) brackets(`${prefix}[${key}]`, item, pairs, `${where}.${key}`, depth + 1);
}

/** The encoded form: `URLSearchParams` rules (spaces as `+`, everything else percent-encoded). */
export function encodeForm(pairs: readonly [string, string][]): string {
  return new URLSearchParams(pairs as [string, string][]).toString();
}

// ---------------------------------------------------------------- files and binary

/** A file given inline (decoded) or by URL (to be fetched). */
export type FileValue =
  | { data: Buffer; filename?: string; contentType?: string }
  | { url: string; filename?: string; contentType?: string };

/** `{ base64 }`, `{ url }` (when allowed) or a plain base64 string, checked and decoded. */
export function fileValue(value: unknown, where: string, allowUrl: boolean): FileValue {
  if (typeof value === "string") return { data: decodeBase64(value, where) };
  if (!isPlainObject(value)) throw new BodyEncodingError(where, `${where} must be { "base64": "…" }${allowUrl ? ' or { "url": "https://…" }' : ""}, not ${kindOf(value)}`);
  const filename = optionalText(value.filename, `${where}.filename`);
  const contentType = optionalText(value.contentType, `${where}.contentType`);
  if (contentType !== undefined && !MEDIA_TYPE.test(contentType)) throw new BodyEncodingError(`${where}.contentType`, `${where}.contentType must be a media type such as image/png`);
  if (filename !== undefined && /[\r\n\0"\\]/.test(filename)) throw new BodyEncodingError(`${where}.filename`, `${where}.filename may not contain quotes, backslashes, CR, LF or NUL`);
  const extra = { ...(filename !== undefined ? { filename } : {}), ...(contentType !== undefined ? { contentType } : {}) };
  if (typeof value.base64 === "string") return { data: decodeBase64(value.base64, `${where}.base64`), ...extra };
  if (allowUrl && typeof value.url === "string") {
    let url: URL;
    try {
      url = new URL(value.url);
    } catch {
      throw new BodyEncodingError(`${where}.url`, `${where}.url is not a valid URL`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new BodyEncodingError(`${where}.url`, `${where}.url must be an http(s) URL`);
    return { url: url.href, ...extra };
  }
  throw new BodyEncodingError(where, `${where} needs "base64"${allowUrl ? ' or "url"' : ""}`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** Standard or URL-safe base64, whitespace ignored; refused when it is not base64 or too large. */
export function decodeBase64(text: string, where: string): Buffer {
  const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (!BASE64.test(clean)) throw new BodyEncodingError(where, `${where} is not valid base64`);
  if (Math.floor((clean.length * 3) / 4) > MAX_BINARY_BYTES + 3) throw new BodyEncodingError(where, `${where} is larger than ${MAX_BINARY_BYTES} bytes`);
  return Buffer.from(clean, "base64");
}

// ---------------------------------------------------------------- multipart

/** One part; `headers` are sent after its Content-Disposition and Content-Type. */
export type MultipartPart = ({ name: string; text: string; contentType?: string } | { name: string; file: FileValue }) & { headers?: Record<string, string> };

/**
 * The parts of a `multipart/form-data` body: scalars as text, objects as JSON, files as given.
 * A part's headers are the fixed ones of its encoding (`fields[name].headers`), and for a file
 * part those given with it (`{ base64, headers: { "X-Checksum": "…" } }`), which win.
 */
export function multipartParts(body: unknown, fields: Record<string, FieldEncoding> = {}): MultipartPart[] {
  if (!isPlainObject(body)) throw new BodyEncodingError("body", `a multipart body must be an object, not ${kindOf(body)}`);
  const parts: MultipartPart[] = [];
  const add = (name: string, value: unknown, where: string) => {
    if (value === undefined || value === null) return;
    const contentType = fields[name]?.contentType;
    const fixed = fields[name]?.headers;
    if (isScalar(value)) parts.push({ name, text: String(value), ...(contentType ? { contentType } : {}), ...(fixed ? { headers: fixed } : {}) });
    else if (isPlainObject(value) && (typeof value.base64 === "string" || typeof value.url === "string")) {
      const file = fileValue(value, where, true);
      const headers = mergeHeaders(fixed, partHeaders(value.headers, `${where}.headers`));
      parts.push({ name, file: file.contentType === undefined && contentType && !contentType.endsWith("/*") ? { ...file, contentType } : file, ...(headers ? { headers } : {}) });
    } else parts.push({ name, text: JSON.stringify(value), contentType: contentType ?? "application/json", ...(fixed ? { headers: fixed } : {}) });
  };
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) value.forEach((item, i) => add(name, item, `body.${name}.${i}`));
    else add(name, value, `body.${name}`);
  }
  return parts;
}

/** Headers given with a file part, checked like stored ones (names, no CR/LF). */
function partHeaders(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new BodyEncodingError(where, `${where} must be an object of header names and values`);
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (raw === undefined || raw === null) continue;
    if (!isScalar(raw)) throw new BodyEncodingError(`${where}.${name}`, `${where}.${name} must be a string`);
    const nameCheck = partHeaderName.safeParse(name);
    if (!nameCheck.success) throw new BodyEncodingError(`${where}.${name}`, `${where}: "${name}" ${nameCheck.error.issues[0]?.message ?? "is not a header name"}`);
    const text = String(raw);
    if (!partHeaderValue.safeParse(text).success) throw new BodyEncodingError(`${where}.${name}`, `${where}.${name} may not contain CR, LF or NUL (at most 1000 characters)`);
    out[name] = text;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Fixed headers overridden by given ones, header names compared case-insensitively. */
function mergeHeaders(fixed: Record<string, string> | undefined, given: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!given) return fixed;
  const givenNames = new Set(Object.keys(given).map((n) => n.toLowerCase()));
  const merged = Object.fromEntries(Object.entries(fixed ?? {}).filter(([n]) => !givenNames.has(n.toLowerCase())));
  return { ...merged, ...given };
}

/** RFC 7578 body bytes; every file part must be inline by now. */
export function encodeMultipart(parts: readonly MultipartPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  const quoted = (s: string) => s.replace(/[\r\n"\\]/g, (c) => encodeURIComponent(c));
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"`;
    let data: Buffer;
    if ("text" in part) {
      head += part.contentType ? `\r\nContent-Type: ${part.contentType}` : "";
      data = Buffer.from(part.text, "utf8");
    } else {
      if (!("data" in part.file)) throw new BodyEncodingError(`body.${part.name}`, `body.${part.name} was not fetched`);
      head += `; filename="${quoted(part.file.filename ?? part.name)}"\r\nContent-Type: ${part.file.contentType ?? "application/octet-stream"}`;
      data = part.file.data;
    }
    for (const [name, value] of Object.entries(part.headers ?? {})) head += `\r\n${name}: ${value}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`, "utf8"), data, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, "utf8"));
  return Buffer.concat(chunks);
}

/** What a run records of multipart parts: names, file names, types and sizes; never the bytes. */
export function describeParts(parts: readonly MultipartPart[]): unknown[] {
  return parts.map((part) => {
    // Header names only: values may be anything the caller sent.
    const headers = part.headers ? { headers: Object.keys(part.headers) } : {};
    if ("text" in part) return { name: part.name, value: part.text.length > 1024 ? `${part.text.slice(0, 1024)}…` : part.text, ...headers };
    const file = part.file;
    return {
      name: part.name,
      ...headers,
      ...(file.filename ? { filename: file.filename } : {}),
      ...(file.contentType ? { contentType: file.contentType } : {}),
      ...("data" in file ? { bytes: file.data.length } : { url: file.url }),
    };
  });
}

/**
 * What a run records of a body that is not readable as it is sent: `form` as decoded
 * `name=value` lines, `multipart` and `binary` as JSON describing the parts (never the bytes).
 */
export type BodyView = { kind: "form" | "multipart" | "binary"; text: string };

export function formView(pairs: readonly [string, string][]): BodyView {
  return { kind: "form", text: pairs.map(([k, v]) => `${k}=${v}`).join("\n") };
}

// ---------------------------------------------------------------- helpers

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function optionalText(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new BodyEncodingError(where, `${where} must be a string`);
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

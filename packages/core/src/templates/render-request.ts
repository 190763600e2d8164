import { createHash } from "node:crypto";
import {
  type BodyEncoding,
  BodyEncodingError,
  describeParts,
  encodeForm,
  encodeMultipart,
  fileValue,
  formPairs,
  formView,
  multipartParts,
} from "./body-encoding.ts";
import type {
  CompiledJson,
  CompiledRequestTemplate,
  CompiledString,
  RenderContext,
  RenderedRequest,
  RenderResult,
  VariableRef,
} from "./types.ts";

/** A render failure; carried by exception inside this module only, returned as a value. */
class RenderFailure {
  constructor(
    readonly path: string,
    readonly error: string,
  ) {}
}

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What undici (and Node's http) accept in a header value: tab, visible ASCII, obs-text. */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Fills a compiled template with a call's values (DESIGN §6 Templates). Rendering is data,
 * never code: path values are percent-encoded inside one segment, query values are encoded,
 * JSON bodies are built as values and serialised once, header values with CR/LF/NUL are refused.
 * A missing or unsafe value is a `{ ok: false }` naming the variable and where; nothing is sent.
 */
export function renderRequest(compiled: CompiledRequestTemplate, context: RenderContext): RenderResult {
  const secretValues = new Set<string>();
  try {
    const url = renderUrl(compiled, context);

    const headers: Record<string, string> = {};
    for (const [name, template] of compiled.headers) {
      const value = renderHeader(template, context, `headers.${name}`, secretValues);
      if (value !== undefined) headers[name] = value;
    }

    let encoded: EncodedBody | undefined;
    if (compiled.body !== undefined) {
      const value = renderJson(compiled.body, context, "body");
      if (value === undefined) {
        const missing = compiled.body.kind === "string" ? compiled.body.template.whole : undefined;
        throw new RenderFailure("body", `Missing value for ${show(missing)} in body`);
      }
      encoded = encodeBody(value, compiled.bodyEncoding, context.run.id);
    }

    return {
      ok: true,
      request: {
        method: compiled.method,
        url,
        headers,
        ...(encoded ?? {}),
        secretValues: [...secretValues],
      },
    };
  } catch (error) {
    if (error instanceof RenderFailure) return { ok: false, error: error.error, path: error.path };
    if (error instanceof BodyEncodingError) return { ok: false, error: error.message, path: error.path };
    throw error;
  }
}

type EncodedBody = Pick<RenderedRequest, "body" | "contentType" | "bodyView" | "pendingMultipart">;

/** The body value on the wire, as the tool's `bodyEncoding` says (JSON when it has none). */
function encodeBody(value: unknown, encoding: BodyEncoding | undefined, runId: string): EncodedBody {
  switch (encoding?.type) {
    case undefined:
    case "json":
      try {
        return { body: JSON.stringify(value), contentType: "application/json" };
      } catch {
        throw new RenderFailure("body", "body contains a value that is not JSON");
      }
    case "form": {
      const pairs = formPairs(value, encoding.fields);
      return { body: encodeForm(pairs), contentType: "application/x-www-form-urlencoded", bodyView: formView(pairs) };
    }
    case "multipart": {
      const parts = multipartParts(value, encoding.fields);
      // Derived from the run: the request an approver saw and the one sent later are the same.
      const boundary = `tengine-${createHash("sha256").update(`multipart:${runId}`).digest("hex").slice(0, 32)}`;
      const view = { kind: "multipart" as const, text: JSON.stringify(describeParts(parts)) };
      const contentType = `multipart/form-data; boundary=${boundary}`;
      if (parts.some((p) => "file" in p && !("data" in p.file))) return { contentType, bodyView: view, pendingMultipart: { parts, boundary } };
      return { body: encodeMultipart(parts, boundary), contentType, bodyView: view };
    }
    case "binary": {
      const file = fileValue(value, "body", false) as { data: Buffer; contentType?: string };
      const declared = encoding.contentType;
      const contentType = file.contentType ?? (declared.endsWith("/*") ? "application/octet-stream" : declared);
      return { body: file.data, contentType, bodyView: { kind: "binary", text: JSON.stringify({ contentType, bytes: file.data.length }) } };
    }
    case "text":
      if (typeof value !== "string") throw new RenderFailure("body", `body must be a string (${encoding.contentType}), not ${kindOf(value)}`);
      return { body: value, contentType: encoding.contentType };
  }
}

function show(ref: VariableRef | undefined): string {
  return ref ? `{{${ref.raw}}}` : "a placeholder";
}

/** Looks a variable up. A reference that can never be satisfied (no member, unset secret) throws. */
function resolve(ref: VariableRef, context: RenderContext, where: string, secrets?: Set<string>): unknown {
  switch (ref.ns) {
    case "input":
      return walk(context.input, ref.path);
    case "member":
      if (!context.member) {
        throw new RenderFailure(where, `${show(ref)} in ${where} needs a member, and this call has none`);
      }
      return context.member[ref.field];
    case "project":
      return context.project.id;
    case "run":
      return context.run.id;
    case "secrets": {
      const value = Object.hasOwn(context.secrets, ref.name) ? context.secrets[ref.name] : undefined;
      if (value === undefined) throw new RenderFailure(where, `secret ${ref.name} is not set`);
      if (value !== "") secrets?.add(value);
      return value;
    }
  }
}

/** Own properties and array indexes only: `{{input.constructor}}` finds nothing. */
function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current)) {
      if (!/^(?:0|[1-9]\d*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (current !== null && typeof current === "object" && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

/** A scalar as text; anything else is the caller's error to report. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function requireScalar(ref: VariableRef, value: unknown, where: string): string {
  if (value === undefined) throw new RenderFailure(where, `Missing value for ${show(ref)} in ${where}`);
  const text = scalarText(value);
  if (text === undefined) {
    throw new RenderFailure(where, `${show(ref)} in ${where} must be a string, number or boolean, not ${kindOf(value)}`);
  }
  if (LONE_SURROGATE.test(text)) throw new RenderFailure(where, `${show(ref)} in ${where} is not valid Unicode`);
  return text;
}

/** Concatenates a string template whose values must all be scalars (URL path, query, headers). */
function renderScalars(
  template: CompiledString,
  context: RenderContext,
  where: string,
  each: (text: string, ref: VariableRef) => string = (t) => t,
  secrets?: Set<string>,
): string {
  let out = "";
  for (const part of template.parts) {
    if (part.kind === "text") out += part.text;
    else out += each(requireScalar(part.ref, resolve(part.ref, context, where, secrets), where), part.ref);
  }
  return out;
}

function renderUrl(compiled: CompiledRequestTemplate, context: RenderContext): string {
  const path = renderScalars(compiled.path, context, "url", (text, ref) => {
    if (text === "" || text === "." || text === "..") {
      throw new RenderFailure("url", `${show(ref)} in url is ${text === "" ? "empty" : `"${text}"`}, which would change the path`);
    }
    // One value is one segment: "/", "?", "#", "@", "%", "\" and spaces are all encoded.
    return encodeURIComponent(text);
  });
  // Two adjacent placeholders ("{{a}}{{b}}" with "." and ".") could still form a dot segment.
  if (path.split("/").some((s) => DOT_SEGMENT.test(s))) {
    throw new RenderFailure("url", "url path would contain a . or .. segment");
  }
  const url = new URL(compiled.origin + path);
  if (url.host !== compiled.host) throw new RenderFailure("url", "url host changed while rendering");

  const params = new URLSearchParams();
  for (const { name, values, isArray } of compiled.query) {
    values.forEach((template, i) => {
      const where = isArray ? `query.${name}.${i}` : `query.${name}`;
      for (const value of renderQueryValue(template, context, where)) params.append(name, value);
    });
  }
  const search = params.toString();
  if (search !== "") url.search = search;
  return url.href;
}

/** A whole-value placeholder may be absent (param omitted) or an array (key repeated). */
function renderQueryValue(template: CompiledString, context: RenderContext, where: string): string[] {
  const ref = template.whole;
  if (!ref) return [renderScalars(template, context, where)];
  const value = resolve(ref, context, where);
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item) => requireScalar(ref, item, where));
  return [requireScalar(ref, value, where)];
}

function renderHeader(
  template: CompiledString,
  context: RenderContext,
  where: string,
  secrets: Set<string>,
): string | undefined {
  const ref = template.whole;
  let value: string;
  if (ref) {
    const resolved = resolve(ref, context, where, secrets);
    if (resolved === undefined || resolved === null) return undefined;
    value = requireScalar(ref, resolved, where);
  } else {
    value = renderScalars(template, context, where, (t) => t, secrets);
  }
  if (/[\r\n\0]/.test(value)) {
    throw new RenderFailure(where, `${where} would contain CR, LF or NUL; refused`);
  }
  if (INVALID_HEADER_CHAR.test(value)) {
    throw new RenderFailure(where, `${where} would contain characters not allowed in an HTTP header`);
  }
  return value;
}

/**
 * Builds the body as a value; `undefined` means "leave this property out". Objects get a null
 * prototype so an input key like `__proto__` stays plain data.
 */
function renderJson(node: CompiledJson, context: RenderContext, where: string): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "string": {
      const ref = node.template.whole;
      if (ref) return resolve(ref, context, where);
      let out = "";
      for (const part of node.template.parts) {
        if (part.kind === "text") {
          out += part.text;
          continue;
        }
        const value = resolve(part.ref, context, where);
        if (value === undefined) throw new RenderFailure(where, `Missing value for ${show(part.ref)} in ${where}`);
        const text = scalarText(value) ?? stringifyJson(value, part.ref, where);
        out += text;
      }
      return out;
    }
    case "array":
      return node.items.map((item, i) => {
        const at = `${where}.${i}`;
        const value = renderJson(item, context, at);
        if (value === undefined) {
          const ref = item.kind === "string" ? item.template.whole : undefined;
          throw new RenderFailure(at, `Missing value for ${show(ref)} in ${at}`);
        }
        return value;
      });
    case "object": {
      const out: Record<string, unknown> = Object.create(null);
      for (const [key, item] of node.entries) {
        const value = renderJson(item, context, `${where}.${key}`);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
  }
}

function stringifyJson(value: unknown, ref: VariableRef, where: string): string {
  try {
    const text = JSON.stringify(value) as string | undefined;
    if (text !== undefined) return text;
  } catch {
    // fall through: not representable as JSON (bigint, cycles)
  }
  throw new RenderFailure(where, `${show(ref)} in ${where} is not a JSON value`);
}

import { parseTemplateString, referencesOf } from "./parse-template-string.ts";
import { TemplateError } from "./template-error.ts";
import {
  TEMPLATE_METHODS,
  type CompiledJson,
  type CompiledRequestTemplate,
  type CompiledString,
  type JsonValue,
  type RequestTemplate,
  type TemplateMethod,
  type VariableRef,
} from "./types.ts";

/** RFC 9110 §5.6.2 `token`: the characters of a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers a template may not set: hop-by-hop and framing headers the HTTP client owns, and the
 * identity, idempotency and signature headers the gateway adds (DESIGN §7 steps 8–9) — a
 * template setting them could spoof a member or break dedupe.
 */
const MANAGED_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "proxy-connection",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "idempotency-key",
  "signature",
  "signature-input",
  "content-digest",
]);
const MANAGED_HEADER_PREFIX = "x-tengine-";

/** `scheme://authority` then the rest; the authority stops where the URL parser would stop it. */
const URL_HEAD = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#\\]*)([\s\S]*)$/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Parses and checks a request template once, at definition time (DESIGN §6 Templates). The
 * result is what `renderRequest` consumes; cache it per tool version.
 *
 * @throws {TemplateError} with `.path` naming the offending part, when the template could never
 *   render safely: unknown variable, `{{secrets.*}}` outside headers, a placeholder in the URL
 *   scheme/host/port/userinfo, a URL query or fragment, a non-http(s) URL, an invalid method or
 *   header name, or an unterminated `{{`.
 */
export function compileRequestTemplate(template: RequestTemplate): CompiledRequestTemplate {
  const refs: VariableRef[] = [];
  const inputRefs: { path: readonly string[]; raw: string; where: string }[] = [];
  const collect = (compiled: CompiledString, where: string, allowSecrets = false): CompiledString => {
    for (const ref of referencesOf(compiled)) {
      if (ref.ns === "secrets" && !allowSecrets) {
        throw new TemplateError(where, `{{${ref.raw}}}: secrets may only be used in headers`);
      }
      refs.push(ref);
      if (ref.ns === "input") inputRefs.push({ path: ref.path, raw: ref.raw, where });
    }
    return compiled;
  };

  const method = compileMethod(template.method);
  const { origin, host, path } = compileUrl(template.url);
  collect(path, "url");

  const query: { name: string; values: CompiledString[]; isArray: boolean }[] = [];
  for (const [key, value] of Object.entries(template.query ?? {})) {
    const where = `query.${key}`;
    if (key === "" || key.includes("{{")) {
      throw new TemplateError(where, "query parameter names must be literal and non-empty");
    }
    const values: unknown[] = Array.isArray(value) ? value : [value];
    query.push({
      name: key,
      isArray: Array.isArray(value),
      values: values.map((v, i) => {
        const at = Array.isArray(value) ? `${where}.${i}` : where;
        if (typeof v !== "string") throw new TemplateError(at, "query values must be strings");
        return collect(parseTemplateString(v, at), at);
      }),
    });
  }

  const headers: (readonly [string, CompiledString])[] = [];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(template.headers ?? {})) {
    const where = `headers.${name}`;
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) throw new TemplateError(where, "invalid header name");
    if (MANAGED_HEADERS.has(lower) || lower.startsWith(MANAGED_HEADER_PREFIX)) {
      throw new TemplateError(where, `${name} is set by the gateway and cannot be templated`);
    }
    if (seen.has(lower)) throw new TemplateError(where, "duplicate header (names are case-insensitive)");
    seen.add(lower);
    if (typeof value !== "string") throw new TemplateError(where, "header values must be strings");
    const compiled = collect(parseTemplateString(value, where), where, true);
    for (const part of compiled.parts) {
      if (part.kind === "text" && /[\r\n\0]/.test(part.text)) {
        throw new TemplateError(where, "header values may not contain CR, LF or NUL");
      }
    }
    headers.push([name, compiled]);
  }

  const body = template.body === undefined ? undefined : compileJson(template.body, "body", collect);
  const encoding = template.bodyEncoding;
  if (encoding !== undefined && encoding.type !== "json" && body === undefined) {
    throw new TemplateError("bodyEncoding", `bodyEncoding "${encoding.type}" needs a body`);
  }

  const secretNames = [...new Set(refs.flatMap((r) => (r.ns === "secrets" ? [r.name] : [])))];
  const usesMember = refs.some((r) => r.ns === "member");
  return {
    method,
    secretNames,
    usesMember,
    inputRefs,
    origin,
    host,
    path,
    query,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(encoding === undefined || encoding.type === "json" ? {} : { bodyEncoding: encoding }),
  };
}

function compileMethod(method: unknown): TemplateMethod {
  const upper = typeof method === "string" ? method.toUpperCase() : "";
  const found = TEMPLATE_METHODS.find((m) => m === upper);
  if (!found) throw new TemplateError("method", `method must be one of ${TEMPLATE_METHODS.join(", ")}`);
  return found;
}

/**
 * Only the path may hold placeholders: scheme, host and port come from the template alone
 * (DESIGN §6), so no input can redirect a call to another server.
 */
function compileUrl(url: unknown): { origin: string; host: string; path: CompiledString } {
  if (typeof url !== "string" || url.trim() !== url || CONTROL_CHARS.test(url)) {
    throw new TemplateError("url", "url must be an absolute http(s) URL without spaces or control characters");
  }
  const match = URL_HEAD.exec(url);
  const placeholderAt = url.indexOf("{{");
  if (!match) {
    throw new TemplateError(
      "url",
      placeholderAt === -1
        ? "url must be an absolute http(s) URL"
        : "the URL scheme and host must be literal; placeholders are only allowed in the path",
    );
  }
  const [, scheme = "", authority = "", rest = ""] = match;
  if (authority.includes("{{") || authority.includes("}}")) {
    throw new TemplateError("url", "placeholders are only allowed in the URL path, not in the host, port or userinfo");
  }
  const protocol = scheme.toLowerCase();
  if (protocol !== "http" && protocol !== "https") {
    throw new TemplateError("url", "url must be an absolute http(s) URL");
  }
  if (authority.includes("@")) {
    throw new TemplateError("url", "url may not contain userinfo; send credentials in headers with {{secrets.NAME}}");
  }
  let probe: URL;
  try {
    probe = new URL(`${protocol}://${authority}/`);
  } catch {
    throw new TemplateError("url", "url has an invalid host");
  }
  if (probe.hostname === "") throw new TemplateError("url", "url has no host");

  if (rest.startsWith("\\") || rest.includes("\\")) {
    throw new TemplateError("url", "use / (not \\) to separate URL path segments");
  }
  const path = parseTemplateString(rest, "url");
  for (const part of path.parts) {
    if (part.kind === "text" && (part.text.includes("?") || part.text.includes("#"))) {
      throw new TemplateError("url", "url may not have its own query string or fragment; put query parameters in query");
    }
  }
  // Every segment that is all literal text is checked here; segments with placeholders are
  // checked at render time, when their value is known.
  const probePath = path.parts.map((p) => (p.kind === "text" ? p.text : "x")).join("");
  if (probePath.split("/").some((s) => DOT_SEGMENT.test(s))) {
    throw new TemplateError("url", "url path may not contain . or .. segments");
  }
  try {
    const full = new URL(probe.origin + probePath);
    if (full.host !== probe.host) throw new Error("host changed");
  } catch {
    throw new TemplateError("url", "url path is invalid");
  }
  return { origin: probe.origin, host: probe.host, path };
}

type Collect = (compiled: CompiledString, where: string) => CompiledString;

function compileJson(value: unknown, where: string, collect: Collect): CompiledJson {
  if (typeof value === "string") {
    const template = collect(parseTemplateString(value, where), where);
    return template.parts.some((p) => p.kind === "var") ? { kind: "string", template } : { kind: "literal", value };
  }
  if (value === null || typeof value === "boolean") return { kind: "literal", value };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TemplateError(where, "body numbers must be finite");
    return { kind: "literal", value };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileJson(item, `${where}.${i}`, collect));
    return items.every((i) => i.kind === "literal")
      ? { kind: "literal", value: value as JsonValue[] }
      : { kind: "array", items };
  }
  if (typeof value === "object") {
    const entries = Object.entries(value).map(([key, v]) => {
      const at = `${where}.${key}`;
      if (key.includes("{{")) throw new TemplateError(at, "body property names must be literal");
      return [key, compileJson(v, at, collect)] as const;
    });
    return entries.every(([, v]) => v.kind === "literal")
      ? { kind: "literal", value: value as JsonValue }
      : { kind: "object", entries };
  }
  throw new TemplateError(where, "body must be JSON");
}

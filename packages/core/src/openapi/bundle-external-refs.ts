import type { ExternalRefSource } from "./external-ref-source.ts";
import { ExternalRefTooLarge } from "./external-ref-source.ts";
import { getAt, isObject, refTokens, toPointer } from "./json-pointer.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";

/** Limits on what external references may pull in; each is named in the error that reports it. */
export type ExternalRefLimits = {
  /** Distinct files (or URLs) referenced, the root document not counted. Default 100. */
  files: number;
  /** Files in one chain of references (root → a.yaml → b.yaml is 2). Default 16. */
  depth: number;
  /** Bytes of all referenced files together. Default 20 MB. */
  bytes: number;
  /** Time for reading all referenced files (each download also has its own 15 s timeout). Default 60 s. */
  timeMs: number;
};

export const DEFAULT_EXTERNAL_REF_LIMITS: ExternalRefLimits = { files: 100, depth: 16, bytes: 20 * 1024 * 1024, timeMs: 60_000 };

export type BundleResult = {
  /** `$ref`s that could not be followed, by the pointer of the object holding them: the reason. */
  failures: Map<string, string>;
  /** Where copied content came from: the pointer of each copy in the document → the file (as the user names it). */
  copies: Map<string, string>;
  /** Referenced files read. */
  files: number;
  bytes: number;
};

type Format = "openapi-3.0" | "openapi-3.1" | "swagger-2.0";

/**
 * Makes a document whose `$ref`s point into other files (`schemas/pet.yaml#/Pet`,
 * `https://…/common.json#/Error`) self-contained, in place, so every later step (validation,
 * Swagger conversion, tool generation) only sees local references:
 *
 * - a referenced schema, parameter, response, request body, header, example, link or callback
 *   is copied once into the matching `components` section (Swagger 2.0: `definitions`,
 *   `parameters`, `responses`) under its own name (`Pet`, `Pet_2` when taken), and every
 *   reference to it becomes `#/components/…`. Copying once keeps cycles finite (a recursive
 *   schema refers back to its copy) and the document no bigger than its files.
 * - a referenced path item (or anything else) is copied where it is referenced.
 * - references inside a referenced file resolve against that file (its `#/…` too); a
 *   reference back into the root document becomes local again.
 *
 * A file that cannot be read (missing, outside the folder, refused by the SSRF guard, not
 * JSON/YAML) or a pointer that names nothing fails only the references to it: they stay as
 * they are and are reported in `failures` (the operations using them are then skipped with
 * that reason). Going over a limit refuses the document.
 *
 * @param parse the same JSON/YAML reader as the root document's (size and syntax errors)
 * @throws {OpenApiImportError} when a limit is exceeded
 */
export async function bundleExternalRefs(root: Record<string, unknown>, format: Format, source: ExternalRefSource, parse: (text: string) => unknown, given: Partial<ExternalRefLimits> = {}): Promise<BundleResult> {
  const limits: ExternalRefLimits = { ...DEFAULT_EXTERNAL_REF_LIMITS, ...given };
  const rootFile = withoutHash(source.base);
  type Loaded = { ok: true; value: unknown; base: URL } | { ok: false; reason: string };
  const loaded = new Map<string, Loaded>();
  /** `file#pointer` → the local `#/components/…` reference of its copy. */
  const placed = new Map<string, string>();
  const failures = new Map<string, string>();
  const copies = new Map<string, string>();
  let bytes = 0;

  const load = async (file: string, depth: number): Promise<Loaded> => {
    if (depth > limits.depth) throw new OpenApiImportError(`external $refs: ${shortName(file, rootFile)} is ${depth} files deep in a chain of references; the depth limit is ${limits.depth}`);
    const known = loaded.get(file);
    if (known) return known;
    if (loaded.size >= limits.files) throw new OpenApiImportError(`external $refs: the document refers to more than ${limits.files} files; the limit on referenced files is ${limits.files}`);
    let result: Loaded;
    try {
      const read = await source.read(new URL(file), limits.bytes - bytes);
      const size = Buffer.byteLength(read.text, "utf8");
      bytes += size;
      if (bytes > limits.bytes) throw new ExternalRefTooLarge(file);
      try {
        result = { ok: true, value: parse(read.text), base: read.url };
      } catch (error) {
        // The reader's messages do not say which file they read.
        if (error instanceof OpenApiImportError) throw new OpenApiImportError(`${shortName(file, rootFile)}: ${error.message}`);
        throw error;
      }
    } catch (error) {
      if (error instanceof ExternalRefTooLarge) throw new OpenApiImportError(`external $refs: the referenced files are larger than ${formatBytes(limits.bytes)} together (at ${shortName(file, rootFile)}); the limit on their total bytes is ${formatBytes(limits.bytes)}`);
      if (!(error instanceof OpenApiImportError)) throw error;
      // Messages of the file reader and the guarded download name the file already.
      result = { ok: false, reason: error.message };
    }
    loaded.set(file, result);
    return result;
  };

  // Referenced content copied in place is walked again with the base of the file it came from,
  // kept beside the node rather than as a key in the document.
  const inlinedBase = new WeakMap<object, URL>();
  // Walked without recursion (a referenced file may nest deeply); each entry knows its parent
  // (for its pointer) and what kind of OpenAPI object it is (for where a copy goes).
  type Entry = { node: unknown; parent?: Entry; key?: string; state: State; base: URL; depth: number };
  const tokensOf = (entry: Entry) => {
    const tokens: string[] = [];
    for (let e: Entry | undefined = entry; e?.key !== undefined; e = e.parent) tokens.push(e.key);
    return tokens.reverse();
  };
  const started = Date.now();
  const stack: Entry[] = [{ node: root, state: ROOT_STATE, base: source.base, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node, state, base, depth } = entry;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], parent: entry, key: String(i), state: nextState(state, String(i), format), base, depth });
      continue;
    }
    if (!isObject(node)) continue;
    const ref = node.$ref;
    if (typeof ref === "string" && !(depth === 0 && ref.startsWith("#"))) {
      if (Date.now() - started > limits.timeMs) throw new OpenApiImportError(`external $refs: reading the referenced files took longer than ${Math.round(limits.timeMs / 1000)} s; the time limit is ${Math.round(limits.timeMs / 1000)} s`);
      const outcome = await follow(node, ref, entry);
      if (outcome === "inlined") {
        stack.push({ ...entry, base: inlinedBase.get(node)!, depth: depth + 1 });
        continue;
      }
      if (outcome !== "local") failures.set(toPointer(tokensOf(entry)), outcome);
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (child === null || typeof child !== "object" || isDataKey(state, entry.key, key)) continue;
      stack.push({ node: child, parent: entry, key, state: nextState(state, key, format), base, depth });
    }
  }
  return { failures, copies, files: [...loaded.values()].filter((l) => l.ok).length, bytes };

  /**
   * Rewrites one reference. Returns "local" when it now points inside the root document,
   * "inlined" when the target was copied into the node itself (walk it again), or the reason
   * it cannot be followed.
   */
  async function follow(node: Record<string, unknown>, ref: string, at: Entry): Promise<"local" | "inlined" | string> {
    const { base, depth } = at;
    let target: URL;
    try {
      target = new URL(ref, base);
    } catch {
      return `$ref "${ref}" is not a valid reference`;
    }
    const file = withoutHash(target);
    const fragment = target.hash;
    if (file === rootFile) {
      node.$ref = `#${decodeFragment(fragment)}`;
      return "local";
    }
    const key = `${file}${fragment || "#"}`;
    const known = placed.get(key);
    if (known) {
      node.$ref = known;
      return "local";
    }
    const document = await load(file, depth + 1);
    if (!document.ok) return `$ref "${ref}" cannot be followed: ${document.reason}`;
    const pointer = refTokens(`#${decodeFragment(fragment)}`);
    if (pointer === undefined) return `$ref "${ref}": the part after # must be a JSON pointer (#/…)`;
    const value = getAt(document.value, pointer);
    if (value === undefined) return `$ref "${ref}" does not resolve: nothing at ${toPointer(pointer) || "/"} in ${shortName(file, rootFile)}`;
    const section = sectionFor(kindOf(at.state), format);
    if (section) {
      const container = ensureObject(root, section);
      const name = uniqueName(container, nameFor(pointer, file));
      const local = `#${toPointer([...section, name])}`;
      placed.set(key, local);
      copies.set(local.slice(1), shortName(file, rootFile));
      container[name] = structuredClone(value);
      node.$ref = local;
      let state = ROOT_STATE;
      for (const token of [...section, name]) state = nextState(state, token, format);
      stack.push({ node: container[name], state, base: document.base, depth: depth + 1, ...hoistedParent(section, name) });
      return "local";
    }
    // A path item (or an unknown place): the target's fields replace the reference; fields
    // written next to the `$ref` win.
    if (!isObject(value)) return `$ref "${ref}" names a ${Array.isArray(value) ? "list" : typeof value}, not an object`;
    const { $ref: _drop, ...siblings } = node;
    for (const k of Object.keys(node)) delete node[k];
    Object.assign(node, structuredClone(value), siblings);
    inlinedBase.set(node, document.base);
    return "inlined";
  }

  /** Parent entries for a copy placed at `/section…/name`, so its pointer reads from the root. */
  function hoistedParent(section: string[], name: string): { parent: Entry; key: string } {
    let parent: Entry = { node: root, state: ROOT_STATE, base: source.base, depth: 0 };
    for (const token of section) parent = { node: undefined, parent, key: token, state: ROOT_STATE, base: source.base, depth: 0 };
    return { parent, key: name };
  }
}

// ---------------------------------------------------------------- where a reference stands

/**
 * What kind of object a reference at `tokens` stands for, as the `components` section (or
 * Swagger 2.0 root section) it is copied into; `undefined` = copy it in place. Walks the
 * OpenAPI object structure from the root.
 */
function sectionFor(kind: Kind | undefined, format: Format): string[] | undefined {
  if (kind === undefined) return undefined;
  if (format === "swagger-2.0") {
    const swagger: Record<string, string> = { schema: "definitions", parameter: "parameters", response: "responses" };
    return swagger[kind] ? [swagger[kind]] : undefined;
  }
  const sections: Record<string, string> = {
    schema: "schemas",
    parameter: "parameters",
    response: "responses",
    requestBody: "requestBodies",
    header: "headers",
    example: "examples",
    link: "links",
    callback: "callbacks",
    securityScheme: "securitySchemes",
  };
  return sections[kind] ? ["components", sections[kind]] : undefined;
}

type Kind = "root" | "paths" | "pathItem" | "operation" | "parameter" | "header" | "requestBody" | "response" | "mediaType" | "encoding" | "schema" | "callback" | "example" | "link" | "securityScheme" | "components" | "other";
type State = { kind: Kind } | { map: Kind } | { list: Kind };

const COMPONENT_KINDS: Record<string, Kind> = {
  schemas: "schema",
  parameters: "parameter",
  responses: "response",
  requestBodies: "requestBody",
  headers: "header",
  examples: "example",
  links: "link",
  callbacks: "callback",
  securitySchemes: "securityScheme",
  pathItems: "pathItem",
};

const ROOT_STATE: State = { kind: "root" };

/** The state of the child `token` of a node in `state`. */
function nextState(state: State, token: string, format: Format): State {
  if ("map" in state) return { kind: state.map };
  if ("list" in state) return { kind: state.list };
  return step(state.kind, token, format);
}

function kindOf(state: State): Kind | undefined {
  return "kind" in state && state.kind !== "other" && state.kind !== "root" ? state.kind : undefined;
}

function step(kind: Kind, token: string, format: Format): State {
  const swagger = format === "swagger-2.0";
  switch (kind) {
    case "root":
      if (token === "paths" || token === "webhooks") return { map: "pathItem" };
      if (token === "components" && !swagger) return { kind: "components" };
      if (swagger && token === "definitions") return { map: "schema" };
      if (swagger && token === "parameters") return { map: "parameter" };
      if (swagger && token === "responses") return { map: "response" };
      return { kind: "other" };
    case "components":
      return COMPONENT_KINDS[token] ? { map: COMPONENT_KINDS[token] } : { kind: "other" };
    case "pathItem":
      if (token === "parameters") return { list: "parameter" };
      if (["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(token)) return { kind: "operation" };
      return { kind: "other" };
    case "operation":
      if (token === "parameters") return { list: "parameter" };
      if (token === "requestBody") return { kind: "requestBody" };
      if (token === "responses") return { map: "response" };
      if (token === "callbacks") return { map: "callback" };
      return { kind: "other" };
    case "callback":
      return { kind: "pathItem" };
    case "parameter":
    case "header":
      if (token === "schema") return { kind: "schema" };
      if (token === "content") return { map: "mediaType" };
      if (token === "examples") return { map: "example" };
      return { kind: "other" };
    case "requestBody":
      return token === "content" ? { map: "mediaType" } : { kind: "other" };
    case "response":
      if (token === "schema" && swagger) return { kind: "schema" };
      if (token === "headers") return { map: "header" };
      if (token === "content") return { map: "mediaType" };
      if (token === "links") return { map: "link" };
      return { kind: "other" };
    case "mediaType":
      if (token === "schema") return { kind: "schema" };
      if (token === "examples") return { map: "example" };
      if (token === "encoding") return { map: "encoding" };
      return { kind: "other" };
    case "encoding":
      return token === "headers" ? { map: "header" } : { kind: "other" };
    case "schema":
      // Everything below a schema that can hold a reference is a schema (properties/x, items,
      // allOf/0, additionalProperties, …); data keywords are not walked at all.
      return { kind: "schema" };
    default:
      return { kind: "other" };
  }
}

const NAME_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

/**
 * Examples, enum values, defaults and extensions are data: a `$ref` key inside them is not a
 * reference. (Below `properties` the same words are property names.)
 */
function isDataKey(state: State, parentKey: string | undefined, key: string): boolean {
  const namesHere = NAME_MAPS.has(parentKey ?? "");
  if (key.startsWith("x-") || key === "example") return !namesHere;
  if (key === "examples" || key === "enum" || key === "const" || key === "default") return kindOf(state) === "schema" && !namesHere;
  return false;
}

// ---------------------------------------------------------------- helpers

function withoutHash(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = "";
  return copy.href;
}

function decodeFragment(hash: string): string {
  // URL parsing percent-encodes the fragment; pointers are compared decoded.
  const fragment = hash.startsWith("#") ? hash.slice(1) : hash;
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

function ensureObject(root: Record<string, unknown>, tokens: readonly string[]): Record<string, unknown> {
  let current = root;
  for (const token of tokens) {
    if (!isObject(current[token])) current[token] = {};
    current = current[token] as Record<string, unknown>;
  }
  return current;
}

/** The component name of a copied target: its last pointer token, else the file's name. */
function nameFor(pointer: readonly string[], file: string): string {
  const last = pointer.at(-1) ?? decodeURIComponent(new URL(file).pathname.split("/").at(-1) ?? "").replace(/\.(ya?ml|json)$/i, "");
  const cleaned = last.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "");
  return cleaned || "ref";
}

function uniqueName(container: Record<string, unknown>, name: string): string {
  if (!Object.hasOwn(container, name)) return name;
  for (let n = 2; ; n++) if (!Object.hasOwn(container, `${name}_${n}`)) return `${name}_${n}`;
}

/** A referenced file as the user knows it: relative to the root document when it is beside it. */
function shortName(file: string, rootFile: string): string {
  const rootDir = rootFile.slice(0, rootFile.lastIndexOf("/") + 1);
  const name = file.startsWith(rootDir) ? file.slice(rootDir.length) : file;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

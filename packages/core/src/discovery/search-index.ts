import type { PreparedTool } from "../runtime/prepared-tool.ts";
import { bodyWords, parameterValues } from "./schema-words.ts";
import { SYNONYMS } from "./thesaurus.ts";
import { compoundInitialisms, compoundWords, splitWords, stemWord, tokenize } from "./tokenize.ts";

/** Fields of a tool the index reads, with their BM25F weights. */
const FIELDS = {
  name: 3,
  title: 2.5,
  family: 1.5,
  path: 1.5,
  verb: 1,
  description: 1,
  parameters: 0.5,
  /** string enum values of the parameters (schema-words.ts) */
  values: 0.2,
  /** the request body's schema names, property names and enum values, shared by the resource's operations */
  body: 0.2,
} as const;
type Field = keyof typeof FIELDS;
const K1 = 1.2;
const B = 0.6;
/** Query words added by the thesaurus (thesaurus.ts) count this share of the typed word they stand for. */
const SYNONYM_WEIGHT = 0.5;
/**
 * A typed verb the index knows an HTTP method for (create, remove, show…, and their synonyms)
 * counts this much as a word: it says what to do with the resource, which the method boost
 * (`VERB_BOOST`) already rewards, so its rarer forms ("details", "erase") must not outweigh the
 * resource's name in the text.
 */
const VERB_WORD_WEIGHT = 0.5;
/** An unknown typed word matches the index words it begins, at this weight (see #expandUnknown). */
const PREFIX_WEIGHT = 0.7;
const PREFIX_MIN = 5;
/**
 * A tool whose name is made of the query's words is what was asked for: the score grows by
 * this share times the part of the name's words the query (or a synonym) covers. It keeps
 * `get_a_repository` above long names that merely contain "repository".
 */
const NAME_COVER_BOOST = 2;
/** The query's verb (create, list, update, delete…) agrees with the tool's HTTP method. */
const VERB_BOOST = 0.4;
const VERB_METHODS: Record<string, readonly string[]> = {
  creat: ["POST", "PUT"],
  list: ["GET"],
  get: ["GET"],
  search: ["GET"],
  updat: ["PATCH", "PUT", "POST"],
  delet: ["DELETE"],
};
/**
 * A tool its description calls deprecated ranks at this share of its score: an agent should be
 * steered to the operation that replaces it (Kubernetes' `watch_…` reads, GitHub's legacy
 * endpoints), which usually shares its words.
 */
const DEPRECATED_FACTOR = 0.5;
const DEPRECATED = /\bdeprecated\b/i;
/** Words that make a query a question: without another verb, it asks for a read (GET). */
const QUESTION = /\b(?:which|what|whether|how|who|is|are|does|do)\b/i;
/**
 * API versions inside operation names (`v1`, `v2beta1`, `v1alpha2`): they tell versions of one
 * resource apart, not what a tool does, so the name-cover boost does not count them.
 */
const VERSION_WORD = /^v\d+(?:(?:alpha|beta)\d*)?$/;

/** The words the HTTP method stands for, so "delete a label" meets `DELETE /labels/{name}`. */
const METHOD_VERBS: Record<string, string> = {
  GET: "get list read",
  POST: "create add",
  PUT: "update set replace",
  PATCH: "update edit modify",
  DELETE: "delete remove",
};

export type SearchHit = { tool: PreparedTool; score: number };

/**
 * A lexical BM25F index over one project's tools (name, title, family, OpenAPI path, method,
 * description, parameter names), built once per set of tools and held in memory. Searching
 * never leaves the process: no network, no model.
 */
export class ToolSearchIndex {
  readonly tools: readonly PreparedTool[];
  /** each tool's name words, for the name-cover boost */
  #names: string[][] = [];
  /**
   * Words that stand for a run of a tool's name words, with how many they cover: adjacent words
   * joined (`stateful_set` → statefulset, 2) and initialisms the API uses (`custom_resource_definition`
   * → crd, 3, when some description writes CustomResourceDefinition).
   */
  #runs: Array<Map<string, number>> = [];
  #deprecated = new Uint8Array(0);
  /** stemmed word → [tool index, length-normalised weighted tf] pairs, flattened */
  #postings = new Map<string, number[]>();
  #idf = new Map<string, number>();

  constructor(tools: readonly PreparedTool[], built?: ToolSearchIndex) {
    this.tools = tools;
    if (built) {
      this.#postings = built.#postings;
      this.#idf = built.#idf;
      this.#names = built.#names;
      this.#runs = built.#runs;
      this.#deprecated = built.#deprecated;
      return;
    }
    const bodies = resourceBodies(tools);
    const docs = tools.map((tool) => fieldsOf(tool, bodies.get(resourceOf(tool)) ?? ""));
    this.#names = tools.map((tool) => [...new Set(tokenize(tool.name).filter((word) => !VERSION_WORD.test(word)))]);
    const known = new Set(docs.flatMap((doc) => doc.initialisms));
    this.#runs = tools.map((tool, index) => {
      const runs = new Map(joinedPairs(tool.name).map((pair) => [pair, 2]));
      for (const [initialism, covers] of nameInitialisms(tool.name)) {
        if (!known.has(initialism)) continue;
        runs.set(initialism, Math.max(covers, runs.get(initialism) ?? 0));
        docs[index]!.name.push(initialism);
      }
      return runs;
    });
    this.#deprecated = Uint8Array.from(tools, (tool) => (DEPRECATED.test(tool.listed.description) ? 1 : 0));
    const avg = {} as Record<Field, number>;
    for (const field of Object.keys(FIELDS) as Field[]) avg[field] = docs.reduce((sum, d) => sum + d[field].length, 0) / Math.max(docs.length, 1) || 1;
    const df = new Map<string, number>();
    docs.forEach((doc, index) => {
      const weighted = new Map<string, number>();
      for (const field of Object.keys(FIELDS) as Field[]) {
        const words = doc[field];
        if (words.length === 0) continue;
        const norm = FIELDS[field] / (1 - B + (B * words.length) / avg[field]);
        for (const word of words) weighted.set(word, (weighted.get(word) ?? 0) + norm);
      }
      for (const [word, tf] of weighted) {
        let list = this.#postings.get(word);
        if (!list) this.#postings.set(word, (list = []));
        list.push(index, tf);
        df.set(word, (df.get(word) ?? 0) + 1);
      }
    });
    const n = tools.length;
    for (const [word, count] of df) this.#idf.set(word, Math.log(1 + (n - count + 0.5) / (count + 0.5)));
  }

  /**
   * A typed word no tool has is read as the start of the words that begin with it: "evict"
   * finds `eviction`, "ephemeral" finds `ephemeralcontainers` (an identifier the splitter
   * cannot cut). Only stems of at least `PREFIX_MIN` letters ("store" → stor is too short: it
   * would find every storage operation), at `PREFIX_WEIGHT`.
   */
  #expandUnknown(terms: Map<string, number>, typedWords: readonly string[]): void {
    for (const term of typedWords) {
      if (term.length < PREFIX_MIN || this.#postings.has(term)) continue;
      for (const word of this.#postings.keys()) if (word.startsWith(term) && !terms.has(word)) terms.set(word, PREFIX_WEIGHT);
    }
  }

  /** This index over other objects for the same tools in the same order (a reloaded runtime). */
  withTools(tools: readonly PreparedTool[]): ToolSearchIndex {
    return new ToolSearchIndex(tools, this);
  }

  /**
   * The best `limit` tools for `query` among those `allowed` lets through (a caller's visible
   * tools: filtered before ranking, so nothing else is scored or returned). Ties keep name order.
   */
  search(query: string, allowed: (tool: PreparedTool, index: number) => boolean, limit: number): SearchHit[] {
    const { terms, typedWords, verbs } = queryTerms(query);
    if (terms.size === 0 || limit <= 0) return [];
    this.#expandUnknown(terms, typedWords);
    const scores = new Float64Array(this.tools.length);
    const mask = new Int8Array(this.tools.length); // 0 unknown, 1 allowed, -1 not
    const touched: number[] = [];
    for (const [term, weight] of terms) {
      const list = this.#postings.get(term);
      if (!list) continue;
      const idf = this.#idf.get(term)! * weight;
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i]!;
        if (mask[doc] === 0) mask[doc] = allowed(this.tools[doc]!, doc) ? 1 : -1;
        if (mask[doc]! < 0) continue;
        const tf = list[i + 1]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = scores[doc]! + (idf * tf * (K1 + 1)) / (tf + K1);
      }
    }
    // A question without a verb we know ("which storage classes are there") asks to read.
    if (verbs.size === 0 && QUESTION.test(query)) verbs.add("GET");
    for (const doc of touched) {
      const name = this.#names[doc]!;
      let hits = 0;
      for (const word of name) if (terms.has(word)) hits++;
      for (const [run, covers] of this.#runs[doc]!) if (terms.has(run)) hits += covers;
      const covered = name.length ? Math.min(1, hits / name.length) : 0;
      const verb = verbs.has(this.tools[doc]!.method) ? VERB_BOOST : 0;
      scores[doc] = scores[doc]! * (1 + NAME_COVER_BOOST * covered + verb) * (this.#deprecated[doc] ? DEPRECATED_FACTOR : 1);
    }
    touched.sort((a, b) => scores[b]! - scores[a]! || a - b);
    return touched.slice(0, limit).map((doc) => ({ tool: this.tools[doc]!, score: Math.round(scores[doc]! * 1000) / 1000 }));
  }
}

/** The HTTP methods a stemmed word stands for, by itself or through its synonyms (none for most words). */
function verbMethods(word: string): string[] {
  return [word, ...(SYNONYMS.get(word) ?? [])].flatMap((w) => VERB_METHODS[w] ?? []);
}

/**
 * The query's stemmed words with their weights: typed words 1 (a typed verb `VERB_WORD_WEIGHT`),
 * the thesaurus's synonyms `SYNONYM_WEIGHT` of the word they stand for; the typed words; and
 * the HTTP methods their verbs stand for (a typed verb and its synonyms, so "make a namespace"
 * prefers POST as "create a namespace" does).
 */
function queryTerms(query: string): { terms: Map<string, number>; typedWords: string[]; verbs: Set<string> } {
  const terms = new Map<string, number>();
  const verbs = new Set<string>();
  for (const word of tokenize(query)) {
    if (terms.has(word)) continue;
    const methods = verbMethods(word);
    for (const method of methods) verbs.add(method);
    terms.set(word, methods.length > 0 ? VERB_WORD_WEIGHT : 1);
  }
  const typedWords = [...terms.keys()];
  for (const word of typedWords) {
    for (const synonym of SYNONYMS.get(word) ?? []) {
      const weight = SYNONYM_WEIGHT * terms.get(word)!;
      if (!typedWords.includes(synonym) && weight > (terms.get(synonym) ?? 0)) terms.set(synonym, weight);
    }
  }
  return { terms, typedWords, verbs };
}

/**
 * Operations on one resource (one path, or a path and its collection: `/quotas` and
 * `/quotas/{name}`) share what their request bodies say: a read or a delete has no body, but
 * the create and the replace of the same resource describe it.
 */
function resourceBodies(tools: readonly PreparedTool[]): Map<string, string> {
  const texts = new Map<string, Set<string>>();
  for (const tool of tools) {
    const text = bodyWords(tool.listed.inputSchema);
    if (!text) continue;
    const key = resourceOf(tool);
    let set = texts.get(key);
    if (!set) texts.set(key, (set = new Set()));
    set.add(text);
  }
  return new Map([...texts].map(([key, set]) => [key, [...set].join(" ")]));
}

/** A tool's resource: its path without a final path parameter. */
function resourceOf(tool: PreparedTool): string {
  return tool.url.replace(/\/\{\{[^}]*\}\}$/, "");
}

function fieldsOf(tool: PreparedTool, body: string): Record<Field | "initialisms", string[]> {
  const listed = tool.listed;
  const values = parameterValues(listed.inputSchema);
  return {
    name: [...tokenize(tool.name), ...joinedPairs(tool.name)],
    title: tokenize(listed.title ?? ""),
    family: tokenize(tool.tags.join(" ")),
    path: tokenize(pathOf(tool.url)),
    verb: tokenize(METHOD_VERBS[tool.method] ?? ""),
    description: [...tokenize(listed.description), ...compoundWords(listed.description)],
    parameters: tokenize(parameterNames(listed.inputSchema).join(" ")),
    values: tokenize(values),
    body: [...tokenize(body), ...compoundWords(body)],
    initialisms: [...compoundInitialisms(listed.description), ...compoundInitialisms(body)],
  };
}

/** Initialisms of runs of three to five name words, with the number of words each covers. */
function nameInitialisms(name: string): Array<[string, number]> {
  const words = splitWords(name);
  const out: Array<[string, number]> = [];
  for (let length = 3; length <= 5; length++) {
    for (let i = 0; i + length <= words.length; i++) out.push([words.slice(i, i + length).map((w) => w[0]).join(""), length]);
  }
  return out;
}

/**
 * Adjacent words of a name joined (`create_stateful_set` → createstateful, statefulset), so a
 * resource written as one word ("statefulset", "configmap") meets a name that splits it.
 */
function joinedPairs(name: string): string[] {
  const words = splitWords(name);
  const out: string[] = [];
  for (let i = 1; i < words.length; i++) out.push(stemWord(words[i - 1]! + words[i]!));
  return out;
}

/** The URL's path with template parts as their names: `/repos/{{input.pathParams.owner}}` → `/repos/owner`. */
function pathOf(url: string): string {
  const withoutOrigin = url.replace(/^[a-z]+:\/\/[^/]+/i, "");
  return withoutOrigin.replace(/\{\{\s*[^}]*?([A-Za-z0-9_]+)\s*\}\}/g, "$1");
}

/** Property names of the input schema, two levels deep (`{ pathParams: { owner } }` → owner). */
function parameterNames(schema: Record<string, unknown>, depth = 0): string[] {
  const properties = schema.properties;
  if (!properties || typeof properties !== "object" || depth > 2) return [];
  const names: string[] = [];
  for (const [name, sub] of Object.entries(properties as Record<string, unknown>)) {
    if (!["pathParams", "query", "headers", "body"].includes(name) || depth > 0) names.push(name);
    if (sub && typeof sub === "object") names.push(...parameterNames(sub as Record<string, unknown>, depth + 1));
  }
  return names;
}

/** Exported for tests: the words a tool is indexed under, by field (its own body only: an index adds its resource's other operations' bodies). */
export const indexedWords = (tool: PreparedTool) => fieldsOf(tool, bodyWords(tool.listed.inputSchema));
export { splitWords };

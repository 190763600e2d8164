/**
 * Words for the tool search index and its queries: identifiers split (`listRepoIssues`,
 * `list_repo_issues`, `/repos/{owner}/issues` → list, repo, issue…), lower-cased, stop words
 * dropped, each reduced by a light suffix stemmer so "issues", "issue" and "issued" meet.
 * Pure and deterministic: the index and the query must tokenize the same way.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const words = splitWords(text);
  for (let i = 0; i < words.length; i++) {
    const phrase = PHRASES[`${words[i]} ${words[i + 1]}`];
    if (phrase) {
      out.push(stemWord(phrase));
      i++;
      continue;
    }
    const typed = words[i]!;
    const word = CANONICAL[typed] ?? typed;
    if (STOP_WORDS.has(word) || (word.length === 1 && !/\d/.test(word))) continue;
    const stem = stemWord(word);
    if (stem) out.push(stem);
  }
  return out;
}

/**
 * CamelCase identifiers of the text as one word each (`DaemonSet` → daemonset, `ConfigMap` →
 * configmap), stemmed: people write such resource names as one word ("list daemonsets") as often
 * as split, so the index keeps both forms.
 */
export function compoundWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(COMPOUND)) {
    out.push(stemWord(match[0].toLowerCase()));
    const initialism = initialismOf(match[0]);
    if (initialism) out.push(initialism);
  }
  return out;
}

const COMPOUND = /\b[A-Z]?[a-z0-9]+(?:[A-Z][a-z0-9]+)+\b/g;

/** The initialisms of the text's CamelCase names (see initialismOf). */
export function compoundInitialisms(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(COMPOUND)) {
    const initialism = initialismOf(match[0]);
    if (initialism) out.push(initialism);
  }
  return out;
}

/**
 * The initials of a CamelCase name of three or more words (`CustomResourceDefinition` → crd,
 * `HorizontalPodAutoscaler` → hpa, `PersistentVolumeClaim` → pvc): the short form people type.
 * Two-word names are left out: their two letters (`ConfigMap` → cm) collide with other short
 * words and abbreviations far more often than they are meant.
 */
export function initialismOf(name: string): string | undefined {
  const parts = name.match(/[A-Z]?[a-z0-9]+/g) ?? [];
  if (parts.length < 3 || !/^[A-Z]/.test(name)) return undefined;
  return parts.map((part) => part[0]!.toLowerCase()).join("");
}

/** Splits identifiers and prose into lower-case words (camelCase, snake_case, kebab, paths). */
export function splitWords(text: string): string[] {
  return text
    .replace(/\b([A-Z]{2,})s\b/g, "$1S") // a plural initialism is one word: CRDs, URLs
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

const STOP_WORDS = new Set(
  "a an the of on in to for from by with and or is are am was were be as at it its this that these those our your their us we you all any some into onto over via per which what who whom whose how do does can please".split(" "),
);

/**
 * Two-word phrases read as one word, where the words alone mean something else ("logged in" is
 * not about logs, "set up" not about sets): in the index and in queries alike. Phrasal verbs of
 * plain English only, like the thesaurus (thesaurus.ts).
 */
const PHRASES: Record<string, string> = {
  "logged in": "authenticated",
  "signed in": "authenticated",
  "log in": "authenticate",
  "sign in": "authenticate",
  "log out": "logout",
  "sign out": "logout",
  "tear down": "delete",
  "throw away": "delete",
  "get rid": "delete",
  "set up": "create",
  "turn on": "enable",
  "switch on": "enable",
  "turn off": "disable",
  "switch off": "disable",
  "look up": "lookup",
  "bring back": "restore",
  "take away": "revoke",
  "how many": "count",
};

/** Abbreviations read as the word they stand for, in the index and in queries alike. */
const CANONICAL: Record<string, string> = {
  repo: "repository",
  repos: "repositories",
  org: "organization",
  orgs: "organizations",
  pr: "pull",
  prs: "pulls",
  k8s: "kubernetes",
  db: "database",
  dbs: "databases",
  config: "configuration",
  configs: "configurations",
  env: "environment",
  envs: "environments",
  ssl: "tls",
  // "who am I", "what can I see": the caller, as "me" and "my" are (a synonym of authenticated, current)
  i: "me",
};

/**
 * A light English stemmer (plurals, -ing, -ed, -ment, -ful, -er, -ee, a final e); stable on its own
 * output, so stemming twice changes nothing. Short words and numbers are kept as they are.
 */
export function stemWord(word: string): string {
  if (word.length <= 3 || /^\d+$/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (/(?:ches|shes|xes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith("ed") && !w.endsWith("eed")) w = undouble(w.slice(0, -2));
  if (w.length > 7 && w.endsWith("ment")) w = w.slice(0, -4);
  else if (w.length > 6 && w.endsWith("ful")) w = w.slice(0, -3);
  else if (w.length > 6 && /[^aeious]al$/.test(w) && !w.endsWith("ical")) w = w.slice(0, -2);
  else if (w.length > 6 && w.endsWith("er")) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith("ee")) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([^aeiouls])\1$/.test(w) ? w.slice(0, -1) : w;
}

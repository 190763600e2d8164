// Bundles a multi-file OpenAPI description (relative `$ref`s to other YAML/JSON files) into one
// JSON document, gzipped. Used once to produce digitalocean.openapi.json.gz from a checkout of
// DigitalOcean's public description (see README.md):
//   npx tsx bench/search-apis/bundle-openapi.ts <checkout>/specification/DigitalOcean-public.v2.yaml bench/search-apis/digitalocean.openapi.json.gz
// A `$ref` to another file (optionally with a `#/pointer`) is replaced by what it points at;
// `#/…` inside a sub-file points into that sub-file. A cycle is cut with `{}` (counted).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import YAML from "yaml";

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error("usage: bundle-openapi.ts <root.yaml> <out.json.gz>");

const files = new Map<string, unknown>();
const load = (file: string) => {
  if (!files.has(file)) files.set(file, YAML.parse(readFileSync(file, "utf8"), { maxAliasCount: -1 }));
  return files.get(file);
};
const at = (doc: unknown, pointer: string) =>
  pointer
    .split("/")
    .filter(Boolean)
    .map((t) => decodeURIComponent(t).replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, token) => {
      if (node === null || typeof node !== "object" || !(token in node)) throw new Error(`${pointer} not found`);
      return (node as Record<string, unknown>)[token];
    }, doc);

let cycles = 0;
const root = path.resolve(input);
function resolve(node: unknown, file: string, stack: string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => resolve(n, file, stack));
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  const ref = obj.$ref;
  // In the root file, `#/…` stays a reference into the bundled document.
  if (typeof ref === "string" && !(file === root && ref.startsWith("#"))) {
    const [target, pointer = ""] = ref.split("#");
    const targetFile = target ? path.resolve(path.dirname(file), target) : file;
    const key = `${targetFile}#${pointer}`;
    if (stack.includes(key)) {
      cycles++;
      return {};
    }
    return resolve(at(load(targetFile), pointer), targetFile, [...stack, key]);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v, file, stack)]));
}

const bundled = resolve(load(root), root, []);
const json = JSON.stringify(bundled);
writeFileSync(output, gzipSync(json, { level: 9 }));
process.stderr.write(`${files.size} files, ${json.length} bytes, ${cycles} cycles cut → ${output}\n`);

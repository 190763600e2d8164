// The conformance CLI is built for Node 22 and imports `globSync` from "fs", which Node 20
// lacks (it only uses it in `tier-check`, which these tests never run). This resolve hook
// hands the CLI a copy of "fs" with a globSync that says so, so the server scenarios run on
// the project's Node 20.
const SHIM = new URL("./node20-fs-shim.mjs", import.meta.url).href;

export async function resolve(specifier, context, next) {
  if ((specifier === "fs" || specifier === "node:fs") && context.parentURL?.includes("/node_modules/") && context.parentURL.includes("conformance")) return { url: SHIM, shortCircuit: true };
  return next(specifier, context);
}

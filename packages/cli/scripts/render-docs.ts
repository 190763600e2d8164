// `npm run docs:cli`: writes docs/cli.md from the command definitions.
import { writeFile } from "node:fs/promises";
import { renderCliDocs } from "../src/framework/render-docs.ts";
import { COMMANDS } from "../src/registry.ts";

const target = new URL("../../../docs/cli.md", import.meta.url);
await writeFile(target, renderCliDocs(COMMANDS));
process.stdout.write(`wrote ${target.pathname}\n`);

import { register } from "node:module";
register("./node20-fs-hooks.mjs", import.meta.url);

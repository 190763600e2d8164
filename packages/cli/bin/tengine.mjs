#!/usr/bin/env node
// `npx tengine …` from the repository: loads the TypeScript CLI through tsx's loader, in this
// process (no extra node processes to start).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");

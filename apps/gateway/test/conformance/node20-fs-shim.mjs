export * from "node:fs";
import fs from "node:fs";
export default fs;
export function globSync() {
  throw new Error("globSync is not available on Node 20 (the conformance CLI uses it only for tier-check)");
}

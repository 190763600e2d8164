import { sha256Hex } from "../crypto/hash.ts";
import { canonicalJson } from "../idempotency/canonical-json.ts";
import type { ImportPlan } from "./plan-openapi-import.ts";

/**
 * The id of an import plan: the SHA-256 of its canonical JSON. Apply re-plans from the same
 * source and goes ahead only when the new plan has the id the user reviewed, so a document or
 * a project's tools that changed in between are never applied unseen (dashboard and MCP alike).
 */
export function importPlanFingerprint(plan: ImportPlan): string {
  return sha256Hex(canonicalJson(plan));
}

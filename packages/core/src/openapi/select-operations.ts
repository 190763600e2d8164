import { AppError } from "../errors/app-error.ts";
import type { ImportPlan } from "./plan-openapi-import.ts";

/*
 * Choosing which operations of a document to import. Pure, without imports of server code, so
 * the dashboard's browser code filters with exactly the rule the server and the CLI apply.
 */

/** An operation as the chooser sees it (`method` upper case, `path` as in the document). */
export type SelectableOperation = { method: string; path: string; tags?: string[] };

/**
 * A filter over operations: every given part must match. `tags`: the operation has one of
 * them; `methods`: its method is one of them; `path`: every word of it occurs in the path
 * (case-insensitive).
 */
export type OperationFilter = { tags?: string[]; methods?: string[]; path?: string };

/** `GET /pets/{petId}`: how an operation is named in a selection, in plans and in messages. */
export function operationKey(operation: { method: string; path: string }): string {
  return `${operation.method.toUpperCase()} ${operation.path}`;
}

export function matchesOperationFilter(operation: SelectableOperation, filter: OperationFilter): boolean {
  if (filter.tags?.length && !(operation.tags ?? []).some((tag) => filter.tags!.includes(tag))) return false;
  if (filter.methods?.length && !filter.methods.map((m) => m.toUpperCase()).includes(operation.method.toUpperCase())) return false;
  const words = (filter.path ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const path = operation.path.toLowerCase();
  return words.every((word) => path.includes(word));
}

/**
 * The plan restricted to the chosen operations (keys from `operationKey`). A new tool whose
 * operation is not chosen is not added; an existing tool whose operation is not chosen is left
 * exactly as it is (listed as unchanged, never removed). Tools whose operation left the
 * document are still removed: they are no operation of the document to choose. The operations
 * left out are listed in `notSelected`.
 */
export function narrowImportPlan(plan: ImportPlan, selected: Iterable<string>): ImportPlan {
  const chosen = new Set(selected);
  const keyOf = (name: string) => {
    const op = plan.operations[name];
    return op ? operationKey(op) : undefined;
  };
  const isChosen = (name: string) => {
    const key = keyOf(name);
    return key === undefined || chosen.has(key);
  };
  const notSelected: string[] = [];
  const added = plan.added.filter((tool) => isChosen(tool.name) || (notSelected.push(keyOf(tool.name)!), false));
  const changed = plan.changed.filter((tool) => isChosen(tool.name) || (notSelected.push(keyOf(tool.name)!), false));
  const left = plan.changed.filter((tool) => !isChosen(tool.name)).map((tool) => tool.name);
  const operations = Object.fromEntries(Object.entries(plan.operations).filter(([name]) => isChosen(name)));
  return { ...plan, added, changed, unchanged: [...plan.unchanged, ...left], operations, notSelected: [...(plan.notSelected ?? []), ...notSelected] };
}

/**
 * The keys of the plan's operations that pass `filter` and, when `keys` are given, are among
 * them. A key this import would not add or change is refused by name (a typo in `--operation`
 * must not silently import nothing).
 */
export function selectOperations(plan: ImportPlan, filter: OperationFilter, keys?: string[]): string[] {
  const all = Object.values(plan.operations);
  const known = new Set(all.map(operationKey));
  const wanted = keys?.map((key) => {
    const [method = "", ...rest] = key.trim().split(/\s+/);
    return operationKey({ method, path: rest.join(" ") });
  });
  const unknown = wanted?.find((key) => !known.has(key));
  if (unknown) throw new AppError("bad_request", `${unknown}: this import would not add or change such an operation (it is not in the document, or its tool is already up to date); write operations like "GET /pets/{petId}"`);
  return all.filter((op) => matchesOperationFilter(op, filter) && (!wanted || wanted.includes(operationKey(op)))).map(operationKey);
}

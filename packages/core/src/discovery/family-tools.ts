import type { ListedTool, PreparedTool } from "../runtime/prepared-tool.ts";
import { oneLine } from "./search-tools.ts";
import { familyOf, familySlug } from "./tool-family.ts";

/** Family tools are named `family_<slug>`; a project tool of the same name is listed instead. */
export const FAMILY_TOOL_PREFIX = "family_";

export type FamilyGroup = { family: string; toolName: string; tools: PreparedTool[] };

/** The caller's visible tools grouped by family, in name order; tools without one are `loose`. */
export function groupByFamily(tools: readonly PreparedTool[]): { groups: FamilyGroup[]; loose: PreparedTool[] } {
  const bySlug = new Map<string, FamilyGroup>();
  const loose: PreparedTool[] = [];
  for (const tool of tools) {
    const family = familyOf(tool);
    if (!family) {
      loose.push(tool);
      continue;
    }
    const slug = familySlug(family);
    let group = bySlug.get(slug);
    if (!group) bySlug.set(slug, (group = { family, toolName: `${FAMILY_TOOL_PREFIX}${slug}`.slice(0, 64), tools: [] }));
    group.tools.push(tool);
  }
  return { groups: [...bySlug.values()].sort((a, b) => a.toolName.localeCompare(b.toolName)), loose };
}

/**
 * One tool per family in the style of resource-family tools: `action` names the operation
 * (the real tool) and `arguments` are that tool's arguments, with one schema per action
 * (`oneOf`). The tools' `$defs` are carried over once: a definition every tool that has it
 * defines the same way (Kubernetes' `ObjectMeta`, shared by a whole API group) keeps its name,
 * the others go under `<action>.`-prefixed names.
 */
export function familyTool(group: FamilyGroup): ListedTool {
  let listed = familyToolCache.get(group);
  if (!listed) familyToolCache.set(group, (listed = buildFamilyTool(group)));
  return listed;
}
const familyToolCache = new WeakMap<FamilyGroup, ListedTool>();

function buildFamilyTool(group: FamilyGroup): ListedTool {
  const defs: Record<string, unknown> = {};
  const shared = sharedDefs(group.tools);
  const branches = group.tools.map((tool) => {
    const { schema, defs: own } = hoistDefs(tool.listed.inputSchema, tool.name, shared);
    Object.assign(defs, own);
    return { properties: { action: { const: tool.name }, arguments: schema }, required: ["action"] };
  });
  const readOnly = group.tools.every((t) => t.readOnly);
  const actions = group.tools.map((t) => `- ${t.name}: ${oneLine(t.listed.title ?? t.listed.description)}`).join("\n");
  return {
    name: group.toolName,
    title: group.family,
    description: `Operations on ${group.family}. Set action to one of these and arguments to its input:\n${actions}`,
    inputSchema: {
      type: "object",
      properties: {
        action: { type: "string", enum: group.tools.map((t) => t.name), description: "the operation" },
        arguments: { type: "object", description: "the operation's arguments" },
      },
      required: ["action"],
      oneOf: branches,
      ...(Object.keys(defs).length ? { $defs: defs } : {}),
    },
    annotations: { title: group.family, readOnlyHint: readOnly, ...(readOnly ? {} : { destructiveHint: group.tools.some((t) => t.listed.annotations?.destructiveHint === true) }), openWorldHint: true },
  };
}

const defsOf = (tool: PreparedTool) => {
  const $defs = tool.listed.inputSchema.$defs;
  return $defs && typeof $defs === "object" ? ($defs as Record<string, unknown>) : {};
};
const DEF_REF = /"\$ref":"#\/\$defs\/([^"/]+)/g;

/**
 * The `$defs` names the family's tools may share: every tool having the name defines it
 * identically, and so does everything it refers to (a shared definition's `$ref`s must mean
 * the same for every tool). A name starting like a prefixed one (`<tool>.`) is never shared.
 */
function sharedDefs(tools: readonly PreparedTool[]): Set<string> {
  const text = new Map<string, string | null>();
  for (const tool of tools) {
    for (const [name, def] of Object.entries(defsOf(tool))) {
      const json = JSON.stringify(def);
      const seen = text.get(name);
      text.set(name, seen === undefined || seen === json ? json : null);
    }
  }
  const prefixes = tools.map((t) => `${t.name}.`);
  const shared = new Set([...text].filter(([name, json]) => json !== null && !prefixes.some((p) => name.startsWith(p))).map(([name]) => name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of shared) {
      const refs = [...text.get(name)!.matchAll(DEF_REF)].map((m) => decodePointer(m[1]!));
      if (refs.some((ref) => !shared.has(ref))) {
        shared.delete(name);
        changed = true;
      }
    }
  }
  return shared;
}

/**
 * Moves a schema's `$defs` out, under their own names when `shared` has them and under
 * `<prefix>.<name>` otherwise, and rewrites its `#/$defs/…` references to match.
 */
function hoistDefs(schema: Record<string, unknown>, prefix: string, shared: ReadonlySet<string>): { schema: Record<string, unknown>; defs: Record<string, unknown> } {
  const { $defs, ...rest } = schema;
  const rename = (name: string) => (shared.has(name) ? name : `${prefix}.${name}`);
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== "object") return node;
    return Object.fromEntries(
      Object.entries(node as Record<string, unknown>).map(([key, value]) => {
        if (key === "$ref" && typeof value === "string" && value.startsWith("#/$defs/")) {
          const [name, ...tail] = value.slice("#/$defs/".length).split("/");
          return [key, ["#/$defs", encodePointer(rename(decodePointer(name!))), ...tail].join("/")];
        }
        return [key, rewrite(value)];
      }),
    );
  };
  const defs: Record<string, unknown> = {};
  if ($defs && typeof $defs === "object") for (const [name, def] of Object.entries($defs as Record<string, unknown>)) defs[rename(name)] = rewrite(def);
  return { schema: rewrite(rest) as Record<string, unknown>, defs };
}

const decodePointer = (token: string) => token.replace(/~1/g, "/").replace(/~0/g, "~");
const encodePointer = (token: string) => token.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * A call of a family tool as the call of the real tool it names: `{ action, arguments }` →
 * the tool's name and arguments, or the problem (an action that is not one of the family's).
 */
export function resolveFamilyCall(groups: readonly FamilyGroup[], name: string, args: Record<string, unknown>): { ok: true; toolName: string; args: unknown } | { ok: false; message: string } | undefined {
  const group = groups.find((g) => g.toolName === name);
  if (!group) return undefined;
  const action = args.action;
  if (typeof action !== "string" || !group.tools.some((t) => t.name === action)) {
    return { ok: false, message: `action must be one of: ${group.tools.map((t) => t.name).join(", ")}` };
  }
  const callArgs = args.arguments ?? {};
  if (typeof callArgs !== "object" || Array.isArray(callArgs) || callArgs === null) return { ok: false, message: "arguments must be an object" };
  return { ok: true, toolName: action, args: callArgs };
}

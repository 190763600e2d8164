import type { ErrorObject, ValidateFunction } from "ajv";
import type { CallableTool } from "../execution/callable-tool.ts";
import type { ListedTool } from "../runtime/prepared-tool.ts";
import { actionSpec, PLATFORM_FAMILIES, type PlatformActionSpec, type PlatformFamily, type PlatformSurface, platformToolName } from "./platform-families.ts";
import { platformScope } from "./platform-scopes.ts";

/** The arguments every platform tool takes. */
export type PlatformArgs = {
  action: string;
  subresource?: string;
  id?: string;
  project_id?: string;
  filters?: Record<string, unknown>;
  data?: Record<string, unknown>;
};

const ARG_NAMES = ["action", "subresource", "id", "project_id", "filters", "data"] as const;
/** keys whose values never reach a run, an approval or the audit log */
const SECRET_KEY = /secret|token|password|^value$|^key$/i;
/** keys whose object holds secret values under any name (an MCP server's `headers` and `credentials`) */
const SECRET_MAP = /^(headers|credentials)$/i;

/**
 * One resource family as an MCP tool (`tengine.platform/<family>`), callable through the same
 * pipeline as every other tool: scopes, validation, limits, idempotency, approval and the run
 * record are the shared steps; only render → send → map is its own (`platformToolKind`).
 *
 * The family tool stands for its reads; `forArgs` gives the view of one call: the action's
 * scope (`platform.<family>:write` for writes), whether it is read-only (derived idempotency
 * keys and the approval policy apply to writes only) and whether it is destructive.
 */
export class PlatformTool implements CallableTool {
  readonly kind = "platform";
  readonly id: string;
  readonly name: string;
  readonly requiredScopes: string[];
  readonly requiresApproval = false;
  readonly readOnly: boolean;
  /** one attempt: an action runs in-process, once */
  readonly timeoutMs = 30_000;
  readonly maxAttempts = 1;
  readonly idempotencyWindowSec = 60;
  /** an empty scope list does not stand for these scopes: platform scopes are granted by name */
  readonly explicitScopes = true;
  readonly listed: ListedTool;
  readonly validate: ValidateFunction;
  readonly family: PlatformFamily;
  readonly surface: PlatformSurface;
  /** the action this view is for (`forArgs`), if it is known */
  readonly action: PlatformActionSpec | undefined;
  readonly #views = new Map<string, PlatformTool>();

  constructor(family: PlatformFamily, action?: string) {
    this.family = family;
    this.surface = PLATFORM_FAMILIES[family].surface;
    this.name = platformToolName(family);
    this.id = `platform_${family}`;
    this.action = action === undefined ? undefined : actionSpec(family, action);
    const writes = this.action?.write === true;
    this.requiredScopes = [platformScope(family, writes)];
    this.readOnly = !writes;
    this.listed = listPlatformTool(family, { writes: true, destructive: this.action?.destructive === true, readOnly: action !== undefined && !writes });
    this.validate = platformValidator(family);
  }

  /** This tool as a call with these (not yet validated) arguments sees it. */
  forArgs(args: unknown): PlatformTool {
    const action = args && typeof args === "object" && typeof (args as { action?: unknown }).action === "string" ? (args as { action: string }).action : "";
    if (!actionSpec(this.family, action)) return this;
    let view = this.#views.get(action);
    if (!view) this.#views.set(action, (view = new PlatformTool(this.family, action)));
    return view;
  }

  /** The arguments as runs, approvals' previews and the audit log keep them: secret-looking values redacted. */
  recordedArguments(args: unknown): unknown {
    return redactSecrets(args);
  }
}

/**
 * What tools/list shows of a family: with `writes: false` (a credential holding only
 * `platform.<family>:read`) only the read actions are offered.
 */
export function listPlatformTool(family: PlatformFamily, options: { writes: boolean; destructive?: boolean; readOnly?: boolean }): ListedTool {
  const spec = PLATFORM_FAMILIES[family];
  const actions = Object.entries(spec.actions as Record<string, PlatformActionSpec>).filter(([, a]) => options.writes || !a.write);
  const subresources = [...new Set(actions.flatMap(([, a]) => a.subresources ?? []))];
  const combos = actions.filter(([, a]) => a.subresources).map(([name, a]) => `${name}: ${a.subresources!.join(", ")}`);
  return {
    name: platformToolName(family),
    title: spec.title,
    description: `${spec.description} Actions: ${actions.map(([n]) => n).join(", ")}.${combos.length ? ` Subresources by action — ${combos.join("; ")}.` : ""}`,
    inputSchema: {
      type: "object",
      properties: {
        action: { type: "string", enum: actions.map(([n]) => n) },
        ...(subresources.length ? { subresource: { type: "string", enum: subresources } } : {}),
        id: { type: "string", description: "the target resource's id (or a tool's name)" },
        ...(spec.surface === "org" ? { project_id: { type: "string", description: "the project (prj_… or its slug)" } } : {}),
        filters: { type: "object", description: "list filters and the page cursor" },
        data: { type: "object", description: "the fields to create or change" },
      },
      required: ["action"],
      additionalProperties: false,
    },
    annotations: { title: spec.title, readOnlyHint: options.readOnly === true, destructiveHint: options.destructive === true, openWorldHint: false },
  };
}

/**
 * The validate step's check of a family's arguments: the action and subresource must be a
 * combination the family offers; each problem names what is allowed.
 */
function platformValidator(family: PlatformFamily): ValidateFunction {
  const spec = PLATFORM_FAMILIES[family];
  const actionNames = Object.keys(spec.actions);
  const validate = ((args: unknown) => {
    const errors: ErrorObject[] = [];
    const problem = (path: string, message: string) => errors.push({ instancePath: path, keyword: "platform", schemaPath: "#", params: {}, message });
    if (!args || typeof args !== "object" || Array.isArray(args)) problem("", "must be an object");
    else {
      const a = args as Record<string, unknown>;
      for (const key of Object.keys(a)) if (!(ARG_NAMES as readonly string[]).includes(key)) problem("", `must not have property '${key}' (allowed: ${ARG_NAMES.join(", ")})`);
      const action = actionSpec(family, a.action);
      if (!action) problem("/action", `must be one of: ${actionNames.join(", ")}`);
      if (a.subresource === undefined && action?.subresourceRequired) problem("/subresource", `action ${String(a.action)} needs a subresource: ${action.subresources!.join(", ")}`);
      if (a.subresource !== undefined) {
        if (typeof a.subresource !== "string") problem("/subresource", "must be a string");
        else if (action && !action.subresources?.includes(a.subresource)) {
          problem("/subresource", action.subresources ? `"${a.subresource}" is not a subresource of action ${String(a.action)}; allowed: ${action.subresources.join(", ")}` : `action ${String(a.action)} takes no subresource`);
        }
      }
      for (const key of ["id", "project_id"] as const) if (a[key] !== undefined && (typeof a[key] !== "string" || !a[key] || (a[key] as string).length > 200)) problem(`/${key}`, "must be a non-empty string of at most 200 characters");
      if (a.project_id !== undefined && spec.surface === "project") problem("/project_id", "is not used on a project's endpoint: the endpoint names the project");
      for (const key of ["filters", "data"] as const) if (a[key] !== undefined && (!a[key] || typeof a[key] !== "object" || Array.isArray(a[key]))) problem(`/${key}`, "must be an object");
    }
    validate.errors = errors.length ? errors : null;
    return errors.length === 0;
  }) as ValidateFunction;
  validate.errors = null;
  return validate;
}

/** A copy with every secret-looking property's value replaced, for what is recorded. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (SECRET_KEY.test(k) && (typeof v === "string" || v === null)) return [k, "[redacted]"];
      if (SECRET_MAP.test(k) && v && typeof v === "object" && !Array.isArray(v)) return [k, Object.fromEntries(Object.keys(v).map((name) => [name, "[redacted]"]))];
      return [k, redactSecrets(v)];
    }),
  );
}

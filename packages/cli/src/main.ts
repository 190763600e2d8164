import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import {
  AppError,
  applyOpenApiImport,
  createApiKey,
  createOrganization,
  createProject,
  createSigningSecret,
  createTool,
  fetchOpenApiDocument,
  getOAuthPolicy,
  getProjectBySlugOrThrow,
  getRunDetail,
  type ImportPlan,
  listApiKeys,
  listConnections,
  listRuns,
  listRunsInput,
  listSigningSecrets,
  listTools,
  parseRateLimitRule,
  planOpenApiImport,
  retireSigningSecret,
  revokeApiKey,
  revokeConnection,
  recordAudit,
  setMemberAssertionSecret,
  setOAuthPolicy,
  setProjectSecret,
  setRateLimits,
  type RateLimitsInput,
} from "@tengine/core";
import { registerKeyRotationCommands } from "./commands/key-rotation.ts";
import { openContext } from "./context.ts";
import { cliEnv, gatewayUrl } from "./env.ts";
import { exitWhenFlushed } from "./exit.ts";
import { print } from "./output.ts";
import { reportError } from "./report-error.ts";
import { isoDateTime, oneOf, wholeNumber } from "./usage-error.ts";

const program = new Command("tengine")
  .description("Tengine: HTTP APIs as MCP tools, run safely")
  .addOption(new Option("--json", "machine-readable JSON output"))
  // Subcommands inherit both: a usage error becomes a thrown CommanderError that main reports
  // as one line (exit 2), instead of commander printing it and the whole help text.
  .exitOverride()
  .configureOutput({ outputError: () => {} });

const json = () => program.opts<{ json?: boolean }>().json === true;

/** Runs a command with a database context; expected failures print one line and exit 1. */
function action<A extends unknown[]>(fn: (ctx: Awaited<ReturnType<typeof openContext>>, ...args: A) => Promise<void>, options: { migrate?: boolean } = {}) {
  return async (...args: A) => {
    const ctx = await openContext(options);
    try {
      await fn(ctx, ...args);
    } finally {
      await ctx.close();
    }
  };
}

type Project = Awaited<ReturnType<typeof getProjectBySlugOrThrow>>;

/** The CLI acts with database access, not as a user; the audit log says so. */
const CLI_ACTOR = { email: "tengine CLI" };

function audit(ctx: Ctx, project: { id: string; orgId: string }, action: string, targetType: string, targetId: string, details?: Record<string, unknown>) {
  return recordAudit(ctx.db, { orgId: project.orgId, projectId: project.id, actor: CLI_ACTOR, action, targetType, targetId, details });
}
type Ctx = Awaited<ReturnType<typeof openContext>>;

/** A command that works on the project named by `--project <slug>`. */
function projectAction<O extends { project: string }, A extends unknown[]>(fn: (ctx: Ctx, project: Project, opts: O, ...args: A) => Promise<void>) {
  // commander calls actions with (...positional arguments, options, command).
  return action(async (ctx, ...rest: unknown[]) => {
    const opts = rest[rest.length - 2] as O;
    const args = rest.slice(0, -2) as A;
    await fn(ctx, await getProjectBySlugOrThrow(ctx.db, opts.project), opts, ...args);
  });
}

program
  .command("migrate")
  .description("apply database migrations")
  .action(
    action(
      async (ctx) => {
        print(json(), { status: "up to date", applied: ctx.applied });
      },
      { migrate: true },
    ),
  );

const projects = program.command("projects").description("projects (the isolation unit)");
projects
  .command("create <name>")
  .option("--slug <slug>", "URL slug (default: from the name)")
  .option("--org <slug>", "organization slug (default: the first one)")
  .option("--allow-http", "allow plain-http upstream URLs (local development)")
  .option("--allowed-hosts <hosts>", "comma-separated upstream hosts tools may call")
  .action(
    action(async (ctx, name: string, opts: { slug?: string; org?: string; allowHttp?: boolean; allowedHosts?: string }) => {
      const org = opts.org
        ? await ctx.db.organization.findUnique({ where: { slug: opts.org } })
        : ((await ctx.db.organization.findFirst({ orderBy: { id: "asc" } })) ?? (await createOrganization(ctx.db, { name: "Default workspace" })));
      if (!org) throw new AppError("not_found", `organization "${opts.org}" not found`);
      const project = await createProject(ctx.db, { orgId: org.id, name, slug: opts.slug, allowHttpUpstreams: opts.allowHttp ?? false, allowedUpstreamHosts: splitList(opts.allowedHosts) });
      await audit(ctx, project, "project.create", "project", project.id, { name: project.name, slug: project.slug });
      print(json(), { id: project.id, slug: project.slug, name: project.name, orgId: org.id, mcpUrl: `${gatewayUrl}/p/${project.slug}/mcp` });
    }),
  );
projects.command("list").action(
  action(async (ctx) => {
    const rows = await ctx.db.project.findMany({ orderBy: { id: "asc" }, select: { id: true, slug: true, name: true, orgId: true, createdAt: true } });
    print(json(), rows, { rows, columns: ["slug", "name", "id", "createdAt"] });
  }),
);

const keys = program.command("keys").description("project API keys (tengine_…)");
keys
  .command("create")
  .requiredOption("--project <slug>")
  .option("--name <name>", "a name to recognise the key by", "API key")
  .option("--scopes <scopes>", "comma-separated scopes (default: full project access)")
  .option("--expires-at <iso>", "expiry time (ISO 8601)", isoDateTime("--expires-at"))
  .action(
    projectAction(async (ctx, project, opts: { project: string; name: string; scopes?: string; expiresAt?: string }) => {
      const key = await createApiKey(ctx.db, project.id, { name: opts.name, scopes: splitList(opts.scopes), expiresAt: opts.expiresAt });
      await audit(ctx, project, "api_key.create", "api_key", key.id, { name: key.name, prefix: key.prefix, scopes: key.scopes });
      print(json(), { ...key, note: "the key is shown only now; store it securely" });
    }),
  );
keys
  .command("list")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, opts: { project: string }) => {
      const rows = await listApiKeys(ctx.db, project.id);
      print(json(), rows, { rows, columns: ["id", "prefix", "name", "scopes", "lastUsedAt", "revokedAt", "createdAt"] });
    }),
  );
keys
  .command("revoke <keyId>")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, opts: { project: string }, keyId: string) => {
      const key = await revokeApiKey(ctx.db, project.id, keyId);
      await audit(ctx, project, "api_key.revoke", "api_key", key.id, { prefix: key.prefix });
      print(json(), { id: key.id, prefix: key.prefix, revokedAt: key.revokedAt });
    }),
  );

const signing = program.command("signing-secrets").description("HMAC secrets for RFC 9421 request signatures");
signing
  .command("create")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, opts: { project: string }) => {
      const created = await createSigningSecret(ctx.db, await ctx.secretBox(), project.id);
      await audit(ctx, project, "signing_secret.create", "signing_secret", created.keyid);
      print(json(), created);
    }),
  );
signing
  .command("list")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, opts: { project: string }) => {
      const rows = (await listSigningSecrets(ctx.db, project.id)).map((r) => ({ keyid: r.id, createdAt: r.createdAt, retiredAt: r.retiredAt }));
      print(json(), rows, { rows, columns: ["keyid", "createdAt", "retiredAt"] });
    }),
  );
signing
  .command("retire <keyid>")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, opts: { project: string }, keyid: string) => {
      const retired = await retireSigningSecret(ctx.db, project.id, keyid);
      await audit(ctx, project, "signing_secret.retire", "signing_secret", keyid);
      print(json(), retired);
    }),
  );

program
  .command("secrets")
  .description("project secrets for header templates ({{secrets.NAME}})")
  .command("set <name>")
  .requiredOption("--project <slug>")
  .option("--value <value>", "the value (default: read from standard input)")
  .action(
    projectAction(async (ctx, project, opts: { project: string; value?: string }, name: string) => {
      const value = opts.value ?? (await readStdin()).trim();
      const saved = await setProjectSecret(ctx.db, await ctx.secretBox(), project.id, name, value);
      await audit(ctx, project, "secret.set", "secret", name);
      print(json(), saved);
    }),
  );

program
  .command("member-secret")
  .description("the HS256 secret backends sign member assertions with (docs/member-sessions.md)")
  .command("create")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, _opts: { project: string }) => {
      // Replaces any previous secret or public key: sessions minted under it end at their next call.
      const { secret } = await setMemberAssertionSecret(ctx.db, await ctx.secretBox(), project.id);
      await audit(ctx, project, "member_assertion.secret_set", "project", project.id);
      print(json(), { secret, alg: "HS256", note: "shown only now; existing member sessions of this project end at their next call" });
    }),
  );

program
  .command("limits")
  .description("per-project call rate limits: MAX/SECONDS, sliding window")
  .command("set")
  .requiredOption("--project <slug>")
  .option("--project-limit <max/sec>", "calls of the whole project, e.g. 100/60")
  .option("--principal-limit <max/sec>", "calls per API key, member or OAuth client, e.g. 20/60")
  .option("--tool-limit <max/sec>", "calls per tool, e.g. 50/60")
  .option("--fail-closed", "refuse calls while the rate limiter (Redis) is unavailable (default: allow them)")
  .option("--clear", "remove every limit (unlimited)")
  .action(
    projectAction(async (ctx, project, opts: { project: string; projectLimit?: string; principalLimit?: string; toolLimit?: string; failClosed?: boolean; clear?: boolean }) => {
      const given = opts.projectLimit !== undefined || opts.principalLimit !== undefined || opts.toolLimit !== undefined || opts.failClosed === true;
      if (opts.clear && given) throw new AppError("bad_request", "--clear removes every limit: give it alone");
      if (!opts.clear && !given) throw new AppError("bad_request", "give --project-limit, --principal-limit and/or --tool-limit (MAX/SECONDS), or --clear");
      // The command sets the whole configuration: limits not given are removed.
      const limits: RateLimitsInput | null = opts.clear
        ? null
        : {
            ...(opts.projectLimit !== undefined ? { project: parseRateLimitRule(opts.projectLimit) } : {}),
            ...(opts.principalLimit !== undefined ? { principal: parseRateLimitRule(opts.principalLimit) } : {}),
            ...(opts.toolLimit !== undefined ? { tool: parseRateLimitRule(opts.toolLimit) } : {}),
            failOpen: !opts.failClosed,
          };
      const { before, after } = await setRateLimits(ctx.db, project.id, limits);
      await audit(ctx, project, "project.rate_limits_set", "project", project.id, { before, after });
      print(json(), { project: project.slug, rateLimits: after });
    }),
  );

const policy = program.command("policy").description("OAuth policy of a project: MCP enabled, redirect URIs, client ids, scope ceiling (docs/oauth.md)");
policy
  .command("set")
  .description("change the policy; lists given replace the stored ones, an empty value ('') clears a list; omitted fields stay")
  .requiredOption("--project <slug>")
  .option("--enabled", "enable the project's MCP endpoint")
  .option("--disabled", "disable the project's MCP endpoint: no credential reaches it and OAuth tokens fail validation")
  .option("--redirect-uri <uri>", "allowed redirect URI, exact match (repeat the flag, or comma-separate)", collectList)
  .option("--client-id <id>", "allowed OAuth client id cli_… (repeat or comma-separate; none = any registered client)", collectList)
  .option("--scopes <scopes>", "the scope ceiling, e.g. contacts:read,contacts:write (repeat or comma-separate)", collectList)
  .action(
    projectAction(async (ctx, project, opts: { project: string; enabled?: boolean; disabled?: boolean; redirectUri?: string[]; clientId?: string[]; scopes?: string[] }) => {
      if (opts.enabled && opts.disabled) throw new AppError("bad_request", "give --enabled or --disabled, not both");
      const changes = {
        ...(opts.enabled ? { mcpEnabled: true } : opts.disabled ? { mcpEnabled: false } : {}),
        ...(opts.redirectUri !== undefined ? { redirectUris: opts.redirectUri } : {}),
        ...(opts.clientId !== undefined ? { clientIds: opts.clientId } : {}),
        ...(opts.scopes !== undefined ? { scopes: opts.scopes } : {}),
      };
      if (Object.keys(changes).length === 0) throw new AppError("bad_request", "nothing to change: give --enabled/--disabled, --redirect-uri, --client-id and/or --scopes");
      const { after, changed } = await setOAuthPolicy(ctx.db, { projectId: project.id, actor: CLI_ACTOR, ...changes });
      print(json(), { project: project.slug, mcpUrl: `${gatewayUrl}/p/${project.slug}/mcp`, ...after, changed });
    }),
  );
policy
  .command("show")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, _opts: { project: string }) => {
      print(json(), { project: project.slug, mcpUrl: `${gatewayUrl}/p/${project.slug}/mcp`, ...(await getOAuthPolicy(ctx.db, project.id)) });
    }),
  );

const connections = program.command("connections").description("OAuth connections (one user's grant to one client on one project)");
connections
  .command("list")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, _opts: { project: string }) => {
      const rows = await listConnections(ctx.db, { projectId: project.id });
      print(json(), rows, {
        rows: rows.map((c) => ({ id: c.id, user: c.user.email, client: c.client.name, clientId: c.client.id, scopes: c.scopes, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt, status: c.revokedReason ? `revoked (${c.revokedReason})` : c.status })),
        columns: ["id", "user", "client", "scopes", "createdAt", "lastUsedAt", "status"],
      });
    }),
  );
connections
  .command("revoke <connId>")
  .description("revoke a connection: its access and refresh tokens stop working at once")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, _opts: { project: string }, connId: string) => {
      // revokeConnection records the audit entry (oauth_connection.revoke).
      const revoked = await revokeConnection(ctx.db, { projectId: project.id, connectionId: connId, actor: CLI_ACTOR, reason: "admin" });
      print(json(), revoked);
    }),
  );

const tools = program.command("tools").description("HTTP tools");
tools
  .command("create")
  .requiredOption("--project <slug>")
  .requiredOption("--file <path>", "tool definition JSON (docs/tools.md)")
  .action(
    projectAction(async (ctx, project, opts: { project: string; file: string }) => {
      let definition: unknown;
      try {
        definition = JSON.parse(await readFile(opts.file, "utf8"));
      } catch (error) {
        throw new AppError("bad_request", `cannot read ${opts.file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const tool = await createTool(ctx.db, await ctx.secretBox(), project.id, definition as never);
      await audit(ctx, project, "tool.create", "tool", tool.id, { name: tool.name });
      print(json(), tool);
    }),
  );
tools
  .command("list")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, opts: { project: string }) => {
      const rows = await listTools(ctx.db, project.id);
      print(json(), rows, { rows: rows.map((t) => ({ ...t, auth: t.auth.type })), columns: ["name", "method", "url", "enabled", "requiredScopes", "auth", "id"] });
    }),
  );

program
  .command("openapi")
  .description("tools generated from OpenAPI documents (docs/openapi.md)")
  .command("import <fileOrUrl>")
  .description("create or update the project's tools from an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML)")
  .requiredOption("--project <slug>")
  .option("--base-url <url>", "the URL the tools call (default: the document's servers)")
  .option("--server-var <name=value>", "a value for a {variable} of the document's server URL (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
  .option("--dry-run", "show what would change without changing anything")
  .action(
    projectAction(async (ctx, project, opts: { project: string; baseUrl?: string; serverVar?: string[]; dryRun?: boolean }, source: string) => {
      const fromUrl = /^https?:\/\//i.test(source);
      let document: string;
      let documentUrl: string | undefined;
      if (fromUrl) {
        const fetched = await fetchOpenApiDocument(source, { allowPrivate: cliEnv.ALLOW_PRIVATE_UPSTREAMS ?? false, allowlist: cliEnv.UPSTREAM_ALLOWLIST, allowHttp: project.allowHttpUpstreams });
        document = fetched.text;
        documentUrl = fetched.url;
      } else {
        try {
          document = await readFile(source, "utf8");
        } catch (error) {
          throw new AppError("bad_request", `cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const serverVariables: Record<string, string> = {};
      for (const pair of opts.serverVar ?? []) {
        const at = pair.indexOf("=");
        if (at < 1) throw new AppError("bad_request", `--server-var ${pair}: expected name=value`);
        serverVariables[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const input = { document, sourceKind: fromUrl ? ("url" as const) : ("file" as const), sourceName: source, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), ...(documentUrl ? { documentUrl } : {}), ...(Object.keys(serverVariables).length ? { serverVariables } : {}) };
      const plan = await planOpenApiImport(ctx.db, project.id, input);
      if (opts.dryRun) {
        if (json()) print(true, { dryRun: true, plan });
        else printImport(plan, "would be");
        return;
      }
      // The CLI's actor is recorded by applyOpenApiImport's own audit entry ("openapi.import").
      const result = await applyOpenApiImport(ctx.db, await ctx.secretBox(), project.id, plan, { actor: CLI_ACTOR, sourceKind: input.sourceKind, sourceName: source });
      if (json()) print(true, { importId: result.importId, summary: result.summary });
      else printImport(plan, "", result.importId);
    }),
  );

/** Human output of an import: counts, then each tool and skip with its reason. */
function printImport(plan: ImportPlan, mood: "would be" | "", importId?: string) {
  const verb = (done: string) => (mood ? `${mood} ${done}` : done);
  const out: string[] = [];
  out.push(`${plan.title ?? "(untitled)"} (${plan.format}), base URL ${plan.baseUrl}`);
  if (importId) out.push(`import ${importId}`);
  out.push(`${plan.added.length} ${verb("added")}, ${plan.changed.length} ${verb("changed")}, ${plan.removed.length} ${verb("removed")}, ${plan.unchanged.length} unchanged, ${plan.skipped.length} skipped`);
  for (const tool of plan.added) out.push(`  + ${tool.name}  ${tool.method} ${tool.url}`);
  for (const tool of plan.changed) out.push(`  ~ ${tool.name}  (${tool.fields.join(", ")})${tool.kept?.length ? `; kept your ${tool.kept.join(", ")}` : ""}`);
  for (const tool of plan.removed) out.push(`  - ${tool.name}`);
  for (const skip of plan.skipped) out.push(`  ! skipped ${skip.operation}: ${skip.reason}`);
  for (const note of plan.notes) out.push(`  note: ${note}`);
  if (mood) out.push("(dry run: nothing was changed)");
  process.stdout.write(`${out.join("\n")}\n`);
}

/** The statuses `runs list --status` accepts: the ones core's run filter knows. */
const RUN_STATUSES = listRunsInput.shape.status.unwrap().options;

const runs = program.command("runs").description("run history");
runs
  .command("list")
  .description("runs, newest first; a full page ends with the command for the next one")
  .requiredOption("--project <slug>")
  .option("--tool <name>", "only this tool's runs")
  .option("--status <status>", `only runs with this status (${RUN_STATUSES.join(", ")})`, oneOf("--status", RUN_STATUSES))
  .option("--limit <n>", "page size, 1 to 200", wholeNumber("--limit", 1, 200), 50)
  .option("--cursor <runId>", "continue after this run (the nextCursor of the previous page)")
  .action(
    projectAction(async (ctx, project, opts: { project: string; tool?: string; status?: (typeof RUN_STATUSES)[number]; limit: number; cursor?: string }) => {
      const page = await listRuns(ctx.db, project.id, { toolName: opts.tool, status: opts.status, limit: opts.limit, cursor: opts.cursor });
      if (json()) return print(true, page);
      print(false, page, { rows: page.runs, columns: ["id", "toolName", "status", "httpStatus", "attempts", "gatewayMs", "upstreamMs", "principalKind", "createdAt"] });
      if (page.nextCursor) {
        const filters = [opts.tool ? `--tool ${opts.tool}` : "", opts.status ? `--status ${opts.status}` : "", opts.limit !== 50 ? `--limit ${opts.limit}` : ""].filter(Boolean).join(" ");
        process.stdout.write(`more runs: npx tengine runs list --project ${project.slug}${filters ? ` ${filters}` : ""} --cursor ${page.nextCursor}\n`);
      }
      const failed = page.runs.filter((r) => r.error).length;
      if (failed) process.stdout.write(`${failed} run(s) with an error: see npx tengine runs show --project ${project.slug} <id>\n`);
    }),
  );
runs
  .command("show <runId>")
  .description("one run: status, timings, who called, its error, and the redacted request and response")
  .requiredOption("--project <slug>")
  .action(
    projectAction(async (ctx, project, _opts: { project: string }, runId: string) => {
      const detail = await getRunDetail(ctx.db, project.id, runId);
      if (!detail) throw new AppError("not_found", `run "${runId}" not found in project "${project.slug}"`);
      if (json()) return print(true, detail);
      const { run } = detail;
      const caller = detail.apiKey ? `API key "${detail.apiKey.name}" (${detail.apiKey.prefix}…)` : detail.user ? `user ${detail.user.email}` : run.memberEmail ? `member ${run.memberEmail}` : run.principalKind;
      print(false, {
        id: run.id,
        tool: run.toolName,
        status: run.status,
        error: run.error,
        httpStatus: run.httpStatus,
        attempts: run.attempts,
        gatewayMs: run.gatewayMs,
        upstreamMs: run.upstreamMs,
        caller,
        idempotencyKey: run.idempotencyKey,
        originalRunId: run.originalRunId,
        createdAt: run.createdAt,
        finishedAt: run.finishedAt,
        arguments: run.arguments,
        request: run.request,
        response: run.response,
      });
    }),
  );

/** A repeatable list option: `--x a --x b,c` → [a, b, c]; `--x ''` → [] (clears the list). */
function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...splitList(value)];
}

function splitList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

registerKeyRotationCommands(program, json);

try {
  await program.parseAsync(process.argv);
  exitWhenFlushed(0);
} catch (error) {
  // A usage error can stop parsing before a later --json was read; the command line still asked for JSON.
  exitWhenFlushed(reportError(error, json() || process.argv.slice(2).includes("--json")));
}

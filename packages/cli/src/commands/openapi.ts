import { readFile, stat } from "node:fs/promises";
import { AppError, applyOpenApiImport, type ExternalRefSource, externalRefsFromFile, externalRefsFromUrl, fetchOpenApiDocument, findRootDocument, type ImportPlan, narrowImportPlan, planOpenApiImport, selectOperations } from "@tengine/core";
import { cliEnv } from "../env.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { UsageError } from "../usage-error.ts";
import { CLI_ACTOR, projectBySlug, projectOption } from "./shared.ts";

const repeatable = (value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value];

const importCommand = defineCommand<{ project: string; baseUrl?: string; serverVar?: string[]; tag?: string[]; method?: string[]; path?: string; operation?: string[]; dryRun?: boolean }>({
  name: "import",
  summary: "create or update the project's tools from an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML)",
  args: [{ name: "fileOrUrl", description: "a file, a folder (its openapi.yaml, openapi.json, swagger.yaml or swagger.json), or an http(s) URL; $refs to other files are read beside it" }],
  options: [projectOption, { flags: "--base-url <url>", description: "the URL the tools call (default: the document's servers)" },
    { flags: "--server-var <name=value>", description: "a value for a {variable} of the document's server URL (repeatable)", parse: repeatable },
    { flags: "--tag <tag>", description: "import only operations with this tag (repeatable: any of them)", parse: repeatable },
    { flags: "--method <method>", description: "import only operations with this HTTP method (repeatable)", parse: repeatable },
    { flags: "--path <words>", description: "import only operations whose path contains every word given" },
    { flags: "--operation <operation>", description: "import only this operation, e.g. \"GET /pets/{petId}\" (repeatable); other operations' tools are left as they are", parse: repeatable },
    { flags: "--dry-run", description: "show what would change without changing anything" }],
  examples: ["tengine openapi import ./crm.yaml --project acme-crm --dry-run", "tengine openapi import ./api.yaml --project acme-crm --server-var region=eu", "tengine openapi import https://api.acme.example/openapi.json --project acme-crm", "tengine openapi import ./api-spec/ --project acme-crm", "tengine openapi import ./crm.yaml --project acme-crm --tag contacts --method GET"],
  json: "{ importId, summary } ({ dryRun: true, plan } with --dry-run)",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const source = args.fileOrUrl!;
    const fromUrl = /^https?:\/\//i.test(source);
    let document: string;
    let documentUrl: string | undefined;
    let externalRefs: ExternalRefSource;
    // Referenced URLs go through the same SSRF guard as the document's own download.
    const fetchOptions = { allowPrivate: cliEnv.ALLOW_PRIVATE_UPSTREAMS ?? false, allowlist: cliEnv.UPSTREAM_ALLOWLIST, allowHttp: project.allowHttpUpstreams };
    if (fromUrl) {
      const fetched = await fetchOpenApiDocument(source, fetchOptions);
      document = fetched.text;
      documentUrl = fetched.url;
      externalRefs = externalRefsFromUrl(fetched.url, fetchOptions);
    } else {
      const info = await stat(source).catch((error: unknown) => {
        throw new AppError("bad_request", `cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`);
      });
      const file = info.isDirectory() ? await findRootDocument(source) : source;
      try {
        document = await readFile(file, "utf8");
      } catch (error) {
        throw new AppError("bad_request", `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      // References may not leave the folder given (or the file's own folder).
      externalRefs = await externalRefsFromFile(file, { ...fetchOptions, ...(info.isDirectory() ? { folder: source } : {}) });
    }
    const serverVariables: Record<string, string> = {};
    for (const pair of opts.serverVar ?? []) {
      const at = pair.indexOf("=");
      if (at < 1) throw new UsageError(`--server-var ${pair}: expected name=value`);
      serverVariables[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const input = { document, sourceKind: fromUrl ? ("url" as const) : ("file" as const), sourceName: source, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), ...(documentUrl ? { documentUrl } : {}), ...(Object.keys(serverVariables).length ? { serverVariables } : {}), externalRefs };
    const full = await planOpenApiImport(ctx.db, project.id, input);
    // A choice of operations (same rule as the dashboard's chooser) narrows the plan.
    const choosing = !!(opts.tag?.length || opts.method?.length || opts.path || opts.operation?.length);
    const plan = choosing ? narrowImportPlan(full, selectOperations(full, { ...(opts.tag ? { tags: opts.tag } : {}), ...(opts.method ? { methods: opts.method } : {}), ...(opts.path ? { path: opts.path } : {}) }, opts.operation)) : full;
    if (opts.dryRun) {
      if (json) print(true, { dryRun: true, plan });
      else printImport(plan, "would be");
      return;
    }
    // The CLI's actor is recorded by applyOpenApiImport's own audit entry ("openapi.import").
    const result = await applyOpenApiImport(ctx.db, await ctx.secretBox(), project.id, plan, { actor: CLI_ACTOR, sourceKind: input.sourceKind, sourceName: source });
    if (json) print(true, { importId: result.importId, summary: result.summary });
    else printImport(plan, "", result.importId);
  },
});

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
  for (const operation of plan.notSelected ?? []) out.push(`  . not chosen ${operation}`);
  for (const note of plan.notes) out.push(`  note: ${note}`);
  if (mood) out.push("(dry run: nothing was changed)");
  process.stdout.write(`${out.join("\n")}\n`);
}

export const openapiGroup = defineGroup({ name: "openapi", summary: "tools generated from OpenAPI documents (docs/openapi.md)", commands: [importCommand] });

import { createApiKey, listApiKeys, revokeApiKey } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { isoDateTime } from "../usage-error.ts";
import { audit, projectBySlug, projectOption, splitList } from "./shared.ts";

const create = defineCommand<{ project: string; name: string; scopes?: string; expiresAt?: string }>({
  name: "create",
  summary: "create an API key; the key is shown only once",
  options: [
    projectOption,
    { flags: "--name <name>", description: "a name to recognise the key by", default: "API key" },
    { flags: "--scopes <scopes>", description: "comma-separated scopes (default: full project access)" },
    { flags: "--expires-at <iso>", description: "expiry time (ISO 8601)", parse: isoDateTime("--expires-at") },
  ],
  examples: ["tengine keys create --project acme-crm --name backend --scopes contacts:read,contacts:write"],
  json: "{ id, key, prefix, name, scopes, expiresAt, createdAt, note }",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const key = await createApiKey(ctx.db, project.id, { name: opts.name, scopes: splitList(opts.scopes), expiresAt: opts.expiresAt });
    await audit(ctx, project, { action: "api_key.create", targetType: "api_key", targetId: key.id, details: { name: key.name, prefix: key.prefix, scopes: key.scopes } });
    print(json, { ...key, note: "the key is shown only now; store it securely" });
  },
});

const list = defineCommand<{ project: string }>({
  name: "list",
  summary: "list a project's API keys (never the keys themselves)",
  options: [projectOption],
  examples: ["tengine keys list --project acme-crm"],
  json: "[{ id, prefix, name, scopes, lastUsedAt, expiresAt, revokedAt, createdAt }]",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const rows = await listApiKeys(ctx.db, project.id);
    print(json, rows, { rows, columns: ["id", "prefix", "name", "scopes", "lastUsedAt", "revokedAt", "createdAt"] });
  },
});

const revoke = defineCommand<{ project: string }>({
  name: "revoke",
  summary: "revoke an API key: calls with it are refused at once",
  args: [{ name: "keyId", description: "the key's id (key_…)" }],
  options: [projectOption],
  examples: ["tengine keys revoke --project acme-crm key_01jd8x9y7z6w5v4t3s2r1q0p9n"],
  json: "{ id, prefix, revokedAt }",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const key = await revokeApiKey(ctx.db, project.id, args.keyId!);
    await audit(ctx, project, { action: "api_key.revoke", targetType: "api_key", targetId: key.id, details: { prefix: key.prefix } });
    print(json, { id: key.id, prefix: key.prefix, revokedAt: key.revokedAt });
  },
});

export const keysGroup = defineGroup({ name: "keys", summary: "project API keys (tengine_…)", commands: [create, list, revoke] });

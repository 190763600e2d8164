import { createSigningSecret, listSigningSecrets, retireSigningSecret } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { audit, projectBySlug, projectOption } from "./shared.ts";

const create = defineCommand<{ project: string }>({
  name: "create",
  summary: "create a signing secret; shown only once",
  options: [projectOption],
  examples: ["tengine signing-secrets create --project acme-crm"],
  json: "{ keyid, secret }",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const created = await createSigningSecret(ctx.db, await ctx.secretBox(), project.id);
    await audit(ctx, project, { action: "signing_secret.create", targetType: "signing_secret", targetId: created.keyid });
    print(json, created);
  },
});

const list = defineCommand<{ project: string }>({
  name: "list",
  summary: "list a project's signing secrets (never their values)",
  options: [projectOption],
  examples: ["tengine signing-secrets list --project acme-crm"],
  json: "[{ keyid, createdAt, retiredAt }]",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const rows = (await listSigningSecrets(ctx.db, project.id)).map((r) => ({ keyid: r.id, createdAt: r.createdAt, retiredAt: r.retiredAt }));
    print(json, rows, { rows, columns: ["keyid", "createdAt", "retiredAt"] });
  },
});

const retire = defineCommand<{ project: string }>({
  name: "retire",
  summary: "retire a signing secret; the gateway signs with the other one, if any",
  args: [{ name: "keyid", description: "the secret's key id (sig_…)" }],
  options: [projectOption],
  examples: ["tengine signing-secrets retire --project acme-crm sig_01jd8x9y7z6w5v4t3s2r1q0p9n"],
  json: "{ keyid, retired: true }",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const retired = await retireSigningSecret(ctx.db, project.id, args.keyid!);
    await audit(ctx, project, { action: "signing_secret.retire", targetType: "signing_secret", targetId: args.keyid! });
    print(json, retired);
  },
});

export const signingSecretsGroup = defineGroup({ name: "signing-secrets", summary: "HMAC secrets for RFC 9421 request signatures", commands: [create, list, retire] });

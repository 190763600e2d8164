import { AppError, deleteProjectSecret, listProjectSecrets, reencryptSecrets, SecretBox, SecretUnreadableError, setProjectSecret } from "@tengine/core";
import { cliEnv, previousMasterKeys } from "../env.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { audit, projectBySlug, projectOption, readStdin } from "./shared.ts";

const set = defineCommand<{ project: string; value?: string }>({
  name: "set",
  summary: "set a project secret for header templates ({{secrets.NAME}})",
  args: [{ name: "name", description: "the secret's name" }],
  options: [projectOption, { flags: "--value <value>", description: "the value (default: read from standard input)" }],
  examples: ["printf %s \"$CRM_TOKEN\" | tengine secrets set CRM_TOKEN --project acme-crm"],
  json: "{ name } (never the value)",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const value = opts.value ?? (await readStdin()).trim();
    const saved = await setProjectSecret(ctx.db, await ctx.secretBox(), project.id, args.name!, value);
    await audit(ctx, project, { action: "secret.set", targetType: "secret", targetId: args.name! });
    print(json, saved);
  },
});

const list = defineCommand<{ project: string }>({
  name: "list",
  summary: "list a project's secrets: names, when set, and the tools that use each (never values)",
  options: [projectOption],
  examples: ["tengine secrets list --project acme-crm"],
  json: "[{ name, createdAt, updatedAt, usedBy: [tool names] }]",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const secrets = await listProjectSecrets(ctx.db, project.id);
    print(json, secrets, { rows: secrets.map((s) => ({ ...s, usedBy: s.usedBy.join(", ") || "—" })), columns: ["name", "updatedAt", "usedBy"] });
  },
});

const remove = defineCommand<{ project: string }>({
  name: "delete",
  summary: "delete a project secret (refused while a tool's headers use it)",
  args: [{ name: "name", description: "the secret's name" }],
  options: [projectOption],
  examples: ["tengine secrets delete CRM_TOKEN --project acme-crm"],
  json: "{ name, deleted: true }",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const deleted = await deleteProjectSecret(ctx.db, project.id, args.name!);
    await audit(ctx, project, { action: "secret.delete", targetType: "secret", targetId: args.name! });
    print(json, { ...deleted, deleted: true });
  },
});

const rotateMasterKey = defineCommand({
  name: "rotate-master-key",
  summary: "re-encrypt every stored secret under TENGINE_MASTER_KEY_NEW, in one transaction",
  details:
    "Reads with TENGINE_MASTER_KEY and TENGINE_PREVIOUS_MASTER_KEYS. Without TENGINE_MASTER_KEY_NEW, re-encrypts under TENGINE_MASTER_KEY (upgrades v1 ciphertexts to row-bound v2). Running it twice is harmless.",
  examples: ["TENGINE_MASTER_KEY_NEW=<new-key> tengine secrets rotate-master-key"],
  json: "{ reencrypted, upgradedLegacy, columns, next }",
  async run(ctx, { json }) {
    const current = await ctx.secretBox();
    const next = cliEnv.TENGINE_MASTER_KEY_NEW;
    const to = next ? parseBox(next, "TENGINE_MASTER_KEY_NEW") : current;
    // The new key is also a reading key, so running the command twice is harmless.
    const from = next ? new SecretBox(requireMasterKey(), { previousKeys: [...previousMasterKeys(), next] }) : current;
    let result;
    try {
      result = await reencryptSecrets(ctx.db, { from, to });
    } catch (error) {
      if (error instanceof SecretUnreadableError) throw new AppError("unprocessable", `${error.message}: set TENGINE_MASTER_KEY (and TENGINE_PREVIOUS_MASTER_KEYS) to the key(s) the secrets were written with`);
      throw error;
    }
    print(json, {
      reencrypted: result.total,
      upgradedLegacy: result.upgradedLegacy,
      columns: result.columns,
      next: next
        ? "every secret is now under TENGINE_MASTER_KEY_NEW: make it TENGINE_MASTER_KEY for every process and drop the old key"
        : "every secret is bound to its row under TENGINE_MASTER_KEY; TENGINE_PREVIOUS_MASTER_KEYS can be removed",
    });
  },
});

function requireMasterKey(): string {
  if (!cliEnv.TENGINE_MASTER_KEY) throw new AppError("bad_request", "TENGINE_MASTER_KEY must be set to the current master key to rotate it");
  return cliEnv.TENGINE_MASTER_KEY;
}

function parseBox(key: string, name: string): SecretBox {
  try {
    return new SecretBox(key);
  } catch {
    throw new AppError("bad_request", `${name} must be 32 random bytes, base64url-encoded`);
  }
}

export const secretsGroup = defineGroup({ name: "secrets", summary: "project secrets for header templates, and the master key they are encrypted under", commands: [set, list, remove, rotateMasterKey] });

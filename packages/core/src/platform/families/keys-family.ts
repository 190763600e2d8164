import { AppError } from "../../errors/app-error.ts";
import { createApiKey } from "../../keys/create-api-key.ts";
import { listApiKeys } from "../../keys/list-api-keys.ts";
import { revokeApiKey } from "../../keys/revoke-api-key.ts";
import type { PlatformHandler } from "../platform-call.ts";
import { requireData, requireId } from "./family-input.ts";

/**
 * `tengine.platform/keys`: the project's API keys through the dashboard's core functions. A new
 * key's secret is in this answer only: runs, replays and the audit log get it redacted.
 */
export const keysFamily: PlatformHandler = async (call) => {
  const { db, project, args } = call;
  switch (args.action) {
    case "list":
      return { data: { keys: await listApiKeys(db, project.id) } };
    case "create": {
      const data = requireData(call);
      const created = await createApiKey(db, project.id, data as Parameters<typeof createApiKey>[2]);
      return {
        data: { key: created.key, id: created.id, name: created.name, prefix: created.prefix, scopes: created.scopes, expiresAt: created.expiresAt, note: "The key is shown once, in this answer: store it now." },
        secret: true,
        audit: { action: "api_key.create", targetType: "api_key", targetId: created.id, details: { name: created.name, scopes: created.scopes, prefix: created.prefix, expiresAt: created.expiresAt?.toISOString() ?? null } },
      };
    }
    case "revoke": {
      const key = await revokeApiKey(db, project.id, requireId(call, "the key's id (key_…)"));
      if (key.alreadyRevoked) return { data: { id: key.id, name: key.name, alreadyRevoked: true } };
      return { data: { id: key.id, name: key.name, revoked: true }, audit: { action: "api_key.revoke", targetType: "api_key", targetId: key.id, details: { name: key.name, scopes: key.scopes, prefix: key.prefix } } };
    }
  }
  throw new AppError("bad_request", `unknown action ${args.action}`);
};

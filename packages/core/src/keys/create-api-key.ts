import { z } from "zod";
import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { parseScopes } from "../scopes/has-scopes.ts";
import { generateApiKey } from "./api-key-format.ts";

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100).default("API key"),
  scopes: z.array(z.string()).default([]),
  expiresAt: z.coerce.date().optional(),
});

/** Creates a key; the plaintext is returned once and only its SHA-256 is stored. */
export async function createApiKey(db: Db, projectId: string, raw: z.input<typeof createApiKeyInput>) {
  const input = createApiKeyInput.parse(raw);
  const scopes = parseScopes(input.scopes);
  if (!scopes.ok) throw new AppError("bad_request", `invalid scope: ${scopes.invalid.join(", ")} (expected resource:read or resource:write)`);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new AppError("bad_request", "expiresAt must be in the future");
  const { key, hash, prefix } = generateApiKey();
  const row = await db.apiKey.create({
    data: { id: newId("key"), projectId, name: input.name, hash, prefix, scopes: scopes.scopes, expiresAt: input.expiresAt ?? null },
    select: apiKeyPublicFields,
  });
  return { ...row, key };
}

/** What may be shown about a key: never the hash. */
export const apiKeyPublicFields = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

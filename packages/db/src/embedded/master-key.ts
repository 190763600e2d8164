import { readOrCreateLocalSecret } from "./local-secret.ts";

/**
 * The master key for secrets at rest: TENGINE_MASTER_KEY when set; in embedded mode a key
 * generated once into `.data/master.key` (readable by the owner only).
 */
export async function resolveMasterKey(options: { masterKey?: string; dataDir: string; embedded: boolean }): Promise<string> {
  if (options.masterKey) return options.masterKey;
  if (!options.embedded) throw new Error("TENGINE_MASTER_KEY is required with DATABASE_URL: 32 random bytes, base64url (e.g. `node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"`)");
  return readOrCreateLocalSecret(options.dataDir, "master.key");
}

import { readOrCreateLocalSecret } from "./local-secret.ts";

/**
 * The key that signs the dashboard's session cookies: NEXTAUTH_SECRET when set, else 32 random
 * bytes generated once into `<dataDir>/nextauth.secret`. Independent of the master key, so
 * knowing one says nothing about the other, and stable so sessions survive a restart.
 */
export async function resolveNextAuthSecret(options: { secret?: string; dataDir: string }): Promise<string> {
  return options.secret || readOrCreateLocalSecret(options.dataDir, "nextauth.secret");
}

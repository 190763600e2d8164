import { SecretBox } from "@tengine/core";
import { createDb, type Db, defaultDataDir, resolveDatabase, resolveMasterKey, runMigrations } from "@tengine/db";
import { cliEnv, previousMasterKeys } from "./env.ts";

export type CliContext = { db: Db; secretBox: () => Promise<SecretBox>; close(): Promise<void>; applied: string[] };

/**
 * Connects the CLI to the same database as the running product: DATABASE_URL, else the
 * embedded server of a running `npm start`, else the embedded database opened here.
 * The embedded database is migrated on the way in (local development); a configured
 * DATABASE_URL only by `tengine migrate`, so a newer checkout never migrates a production
 * database ahead of its deployed code by accident.
 */
export async function openContext(options: { migrate?: boolean } = {}): Promise<CliContext> {
  const dataDir = defaultDataDir(cliEnv.TENGINE_DATA_DIR);
  const { target, owned } = await resolveDatabase({ databaseUrl: cliEnv.DATABASE_URL, schema: cliEnv.DATABASE_SCHEMA, dataDir, startIfMissing: true });
  const applied = options.migrate || target.embedded ? (await runMigrations(target)).applied : [];
  const { db, close } = createDb(target, { poolSize: 2 });
  let box: SecretBox | undefined;
  return {
    db,
    applied,
    async secretBox() {
      box ??= new SecretBox(await resolveMasterKey({ masterKey: cliEnv.TENGINE_MASTER_KEY, dataDir, embedded: !!target.embedded }), { previousKeys: previousMasterKeys() });
      return box;
    },
    async close() {
      await close();
      await owned?.close();
    },
  };
}

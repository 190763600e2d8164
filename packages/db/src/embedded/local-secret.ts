import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A secret `npm start` generates once and keeps in the data directory, so nothing has to be
 * configured and restarts keep sessions and encrypted data readable: 32 random bytes,
 * base64url, in `<dataDir>/<name>` readable by the owner only (the mode is re-applied when the
 * file exists, in case a copy or an archive loosened it).
 */
export async function readOrCreateLocalSecret(dataDir: string, name: string): Promise<string> {
  const file = path.join(dataDir, name);
  if (existsSync(file)) {
    await chmod(file, 0o600);
    const stored = (await readFile(file, "utf8")).trim();
    if (stored) return stored;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

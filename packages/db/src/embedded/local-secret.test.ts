import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveMasterKey } from "./master-key.ts";
import { resolveNextAuthSecret } from "./nextauth-secret.ts";

let dataDir: string;
beforeEach(async () => {
  dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), "tengine-secrets-")), "nested", ".data");
});
afterEach(async () => {
  await rm(path.dirname(path.dirname(dataDir)), { recursive: true, force: true });
});

describe("secrets npm start keeps in .data/", () => {
  it("generates a random NEXTAUTH_SECRET once, owner-only, and returns the same one afterwards", async () => {
    const first = await resolveNextAuthSecret({ dataDir });
    expect(Buffer.from(first, "base64url")).toHaveLength(32);
    const file = path.join(dataDir, "nextauth.secret");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await readFile(file, "utf8")).trim()).toBe(first);
    expect(await resolveNextAuthSecret({ dataDir })).toBe(first);
  });

  it("keeps the session secret independent of the master key", async () => {
    const masterKey = await resolveMasterKey({ dataDir, embedded: true });
    const secret = await resolveNextAuthSecret({ dataDir });
    expect(secret).not.toBe(masterKey);
    expect((await stat(path.join(dataDir, "master.key"))).mode & 0o777).toBe(0o600);
  });

  it("uses NEXTAUTH_SECRET when it is set, and writes nothing", async () => {
    expect(await resolveNextAuthSecret({ secret: "from-the-environment-0123456789abcdef", dataDir })).toBe("from-the-environment-0123456789abcdef");
    await expect(stat(path.join(dataDir, "nextauth.secret"))).rejects.toThrow(/ENOENT/);
  });

  it("tightens a stored secret's file mode back to owner-only", async () => {
    const first = await resolveNextAuthSecret({ dataDir });
    await chmod(path.join(dataDir, "nextauth.secret"), 0o644);
    expect(await resolveNextAuthSecret({ dataDir })).toBe(first);
    expect((await stat(path.join(dataDir, "nextauth.secret"))).mode & 0o777).toBe(0o600);
  });
});

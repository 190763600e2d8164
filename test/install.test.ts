import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import semver from "semver";
import { afterAll, describe, expect, it } from "vitest";

/**
 * A fresh clone installs the same everywhere: the lockfile matches package.json (`npm ci`),
 * the Dockerfile's `npm ci` layer has every file it needs, no installed package asks for a newer
 * Node than the one we say we need, and what npm start / npm test write is ignored by git.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The files the Dockerfile COPYs before its first `RUN npm ci`, as paths in the repository. */
function copiedBeforeInstall(): string[] {
  const lines = dockerfile.split("\n");
  const install = lines.findIndex((l) => /^RUN\s+npm\s+ci\b/.test(l));
  expect(install, "the Dockerfile installs with npm ci").toBeGreaterThan(0);
  return lines
    .slice(0, install)
    .filter((l) => /^COPY\s/.test(l))
    .flatMap((l) => {
      const args = l.replace(/^COPY\s+/, "").split(/\s+/).filter((a) => !a.startsWith("--"));
      const destination = args.pop()!;
      return args.map((source) => (destination.endsWith("/") && !source.endsWith("/") && destination !== "./" ? path.posix.join(destination, path.posix.basename(source)) : source));
    });
}

/** A directory laid out like the Docker build context at the `npm ci` step. */
function installContext(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tengine-install-"));
  temps.push(dir);
  for (const file of copiedBeforeInstall()) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(dir, file), { recursive: true });
  }
  return dir;
}

describe("install", () => {
  it("the lockfile is in sync with every package.json: npm ci --dry-run succeeds with just the Dockerfile's install files", { timeout: 120_000 }, async () => {
    const dir = installContext();
    const { stderr } = await run("npm", ["ci", "--dry-run", "--no-audit", "--no-fund"], { cwd: dir, timeout: 110_000 });
    expect(stderr).not.toMatch(/npm error/);
  });

  it("and npm ci refuses a package.json the lockfile does not match (the check can fail)", { timeout: 120_000 }, async () => {
    const dir = installContext();
    const changed = { ...pkg, devDependencies: { ...pkg.devDependencies, "left-pad": "^1.3.0" } };
    writeFileSync(path.join(dir, "package.json"), JSON.stringify(changed, null, 2));
    const failed = await run("npm", ["ci", "--dry-run", "--no-audit", "--no-fund"], { cwd: dir, timeout: 110_000 }).then(() => undefined, (error: { stderr: string }) => error);
    expect(failed?.stderr).toMatch(/in sync/);
  });

  it("the Dockerfile copies every workspace's package.json, and every local (file:) package, before npm ci", () => {
    const copied = new Set(copiedBeforeInstall().map((p) => p.replace(/\/$/, "")));
    // Workspace patterns are `dir/*` or a plain directory (Node 20 has no fs.globSync).
    const workspaces = (pkg.workspaces as string[])
      .flatMap((pattern) => (pattern.endsWith("/*") ? readdirSync(path.join(ROOT, pattern.slice(0, -2))).map((d) => `${pattern.slice(0, -2)}/${d}`) : [pattern]))
      .map((dir) => `${dir}/package.json`)
      .filter((file) => existsSync(path.join(ROOT, file)));
    expect(workspaces.length).toBeGreaterThan(5);
    for (const file of ["package.json", "package-lock.json", ...workspaces]) expect(copied.has(file), `${file} is copied before npm ci`).toBe(true);
    const local = Object.values({ ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>).filter((spec) => spec.startsWith("file:"));
    for (const spec of local) {
      const dir = spec.slice("file:".length).replace(/^\.\//, "");
      expect([...copied].some((c) => dir === c || dir.startsWith(`${c}/`)), `${dir} is copied before npm ci`).toBe(true);
    }
    expect(dockerfile).not.toMatch(/npm\s+install/);
  });

  it("no package in the lockfile needs a newer Node than package.json's engines minimum (no EBADENGINE on npm ci)", () => {
    const minimum = semver.minVersion(pkg.engines.node)!;
    expect(minimum.version).toBe("20.19.0");
    const tooNew = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
      .filter(([, entry]) => typeof entry.engines?.node === "string" && !semver.satisfies(minimum, entry.engines.node))
      .map(([name, entry]) => `${name} needs node ${entry.engines!.node}`);
    expect(tooNew).toEqual([]);
  });

  it("the stand-in for @prisma/streams-local is what is installed, and it says why when called", async () => {
    expect(lock.packages["node_modules/@prisma/streams-local"]).toEqual({ resolved: "scripts/stubs/prisma-streams-local", link: true });
    const stub = await import("@prisma/streams-local" as string);
    await expect(stub.startLocalDurableStreamsServer()).rejects.toThrow(/`prisma dev` is not available/);
  });

  it("everything npm start and npm test write is ignored by git", () => {
    const written = [
      ".data/master.key",
      ".data/nextauth.secret",
      ".data/pg/PG_VERSION",
      ".data/dashboard-build.log",
      ".env",
      "reports/vitest.json",
      "reports/e2e-artifacts/x.png",
      "test-results/.last-run.json",
      "node_modules/.vite/vitest/results.json",
      "apps/dashboard/.next/BUILD_ID",
      "apps/dashboard/next-env.d.ts",
      "apps/dashboard/tsconfig.tsbuildinfo",
      "packages/core/tsconfig.tsbuildinfo",
      "packages/db/src/generated/client.ts",
      ".turbo/cookies/1.cookie",
    ];
    const ignored = execFileSync("git", ["check-ignore", "--no-index", ...written], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
    expect(ignored).toEqual(written);
    // …and what must be committed is not.
    const kept = [".env.example", "scripts/stubs/prisma-streams-local/package.json", "package-lock.json"];
    for (const file of kept) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
    expect(() => execFileSync("git", ["check-ignore", "--no-index", ...kept], { cwd: ROOT })).toThrow(); // exit 1: none ignored
  });
});

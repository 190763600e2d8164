import { realpath, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type FetchOpenApiDocumentOptions, fetchOpenApiDocument } from "./fetch-openapi-document.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";

/**
 * Where the files an OpenAPI document refers to (`$ref: schemas/pet.yaml`) are read from: the
 * document's own URL or folder. A pasted or uploaded document has none, so it cannot have
 * external references.
 */
export interface ExternalRefSource {
  /** The root document's absolute URL (`https:` or `file:`); relative `$ref`s resolve against it. */
  base: URL;
  /**
   * Reads one referenced file. Returns its text and the URL it finally came from (after
   * redirects: references inside it resolve against that).
   * @throws {OpenApiImportError} with a reason fit to show
   */
  read(url: URL, maxBytes: number): Promise<{ text: string; url: URL }>;
}

/**
 * References of a document fetched from a URL: other URLs are fetched through the same
 * SSRF-guarded download as the document itself (scheme, private addresses, redirects,
 * size, timeout). Local files are never read for a remote document.
 */
export function externalRefsFromUrl(documentUrl: string, options: FetchOpenApiDocumentOptions): ExternalRefSource {
  return {
    base: new URL(documentUrl),
    read: (url, maxBytes) => readUrl(url, options, maxBytes),
  };
}

/**
 * References of a document read from a file: relative references are files in the document's
 * folder (or below it; a reference that leaves it, also through a symbolic link, is refused),
 * absolute `http(s)` references are fetched through the SSRF guard as for a URL import.
 *
 * @param file the root document
 * @param folder the folder references may not leave (default: the root document's folder)
 */
export async function externalRefsFromFile(file: string, options: FetchOpenApiDocumentOptions & { folder?: string }): Promise<ExternalRefSource> {
  const absolute = path.resolve(file);
  const folder = await realpath(path.resolve(options.folder ?? path.dirname(absolute)));
  return {
    base: pathToFileURL(absolute),
    async read(url, maxBytes) {
      if (url.protocol === "http:" || url.protocol === "https:") return readUrl(url, options, maxBytes);
      if (url.protocol !== "file:") throw new OpenApiImportError(`the scheme ${url.protocol.replace(/:$/, "")} is not supported (files and http(s) URLs are)`);
      const wanted = fileURLToPath(url);
      const shown = path.relative(folder, wanted) || path.basename(wanted);
      let real: string;
      try {
        real = await realpath(wanted);
      } catch {
        // Refuse a path outside the folder the same way whether or not it exists.
        if (!inside(folder, path.resolve(wanted))) throw new OpenApiImportError(`${shown} is outside the document's folder`);
        throw new OpenApiImportError(`${shown} does not exist`);
      }
      if (!inside(folder, real)) throw new OpenApiImportError(`${shown} is outside the document's folder`);
      const info = await stat(real);
      if (!info.isFile()) throw new OpenApiImportError(`${shown} is not a file`);
      if (info.size > maxBytes) throw new ExternalRefTooLarge(shown);
      return { text: await readFile(real, "utf8"), url: pathToFileURL(real) };
    },
  };
}

/** A referenced file bigger than what the byte limit leaves: the bundler names the limit. */
export class ExternalRefTooLarge extends OpenApiImportError {
  constructor(readonly file: string) {
    super(`${file} is too large`);
  }
}

/** The names a folder's root document may have, in the order they are looked for. */
export const ROOT_DOCUMENT_NAMES = ["openapi.yaml", "openapi.yml", "openapi.json", "swagger.yaml", "swagger.yml", "swagger.json"];

/**
 * The root document of a folder given to the import: the first of {@link ROOT_DOCUMENT_NAMES}.
 * @throws {OpenApiImportError} naming the files looked for
 */
export async function findRootDocument(folder: string): Promise<string> {
  for (const name of ROOT_DOCUMENT_NAMES) {
    const candidate = path.join(folder, name);
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) return candidate;
  }
  throw new OpenApiImportError(`the folder ${folder} has no root document: expected one of ${ROOT_DOCUMENT_NAMES.join(", ")}`);
}

function inside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

async function readUrl(url: URL, options: FetchOpenApiDocumentOptions, maxBytes: number): Promise<{ text: string; url: URL }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OpenApiImportError(`a document fetched from a URL can only refer to other URLs, not to ${url.protocol.replace(/:$/, "")} references`);
  let fetched: Awaited<ReturnType<typeof fetchOpenApiDocument>>;
  try {
    fetched = await fetchOpenApiDocument(url.href, { ...options, maxBytes });
  } catch (error) {
    if (error instanceof OpenApiImportError && /is larger than/.test(error.message)) throw new ExternalRefTooLarge(url.href);
    throw error;
  }
  return { text: fetched.text, url: new URL(fetched.url) };
}

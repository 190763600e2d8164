import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUpstreamAllowlist } from "../outbound/ssrf-guard.ts";
import { externalRefsFromFile, externalRefsFromUrl, findRootDocument } from "./external-ref-source.ts";
import { fetchOpenApiDocument } from "./fetch-openapi-document.ts";
import { generateTools } from "./generate-tools.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";
import { parseOpenApiDocument } from "./parse-openapi-document.ts";

/*
 * External `$ref`s: a description split into files, read from a temporary folder and served by a
 * real local HTTP server, imported into tools whose schemas contain the referenced parts.
 */

/** A pet store split the way people split theirs: path items, schemas, shared parameters and responses. */
const FILES: Record<string, string> = {
  "openapi.yaml": `openapi: 3.0.3
info: { title: Split pets, version: '1' }
servers: [{ url: 'https://pets.example.com/v1' }]
paths:
  /pets:
    $ref: paths/pets.yaml
  /pets/{petId}:
    get:
      operationId: getPet
      summary: Get a pet
      parameters:
        - $ref: 'common/parameters.yaml#/petId'
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: 'schemas/pet.yaml#/Pet' } } } }
        '404': { $ref: 'common/responses.yaml#/NotFound' }
components:
  schemas:
    Error:
      type: object
      required: [message]
      properties: { message: { type: string } }
`,
  "paths/pets.yaml": `get:
  operationId: listPets
  summary: List pets
  parameters:
    - $ref: '../common/parameters.yaml#/limit'
  responses:
    '200': { description: ok }
post:
  operationId: createPet
  summary: Create a pet
  requestBody:
    required: true
    content:
      application/json:
        schema: { $ref: '../schemas/pet.yaml#/Pet' }
  responses:
    '201': { description: created }
`,
  // Pet → Owner (another file) → Pet: a cycle across files; Owner → Address: a chain.
  "schemas/pet.yaml": `Pet:
  type: object
  required: [name]
  properties:
    name: { type: string, maxLength: 40 }
    owner: { $ref: 'owner.yaml#/Owner' }
    parent: { $ref: '#/Pet' }
`,
  "schemas/owner.yaml": `Owner:
  type: object
  properties:
    email: { type: string, format: email }
    pets: { type: array, items: { $ref: 'pet.yaml#/Pet' } }
    address: { $ref: 'address.json' }
`,
  "schemas/address.json": `{ "type": "object", "properties": { "city": { "type": "string" }, "country": { "$ref": "../common/country.yaml" } } }`,
  "common/country.yaml": `type: string
enum: [DE, FR, US]
`,
  "common/parameters.yaml": `limit: { name: limit, in: query, schema: { type: integer, maximum: 100 } }
petId: { name: petId, in: path, required: true, schema: { type: string } }
`,
  "common/responses.yaml": `NotFound:
  description: not found
  content:
    application/json:
      schema: { $ref: '../openapi.yaml#/components/schemas/Error' }
`,
};

async function writeTree(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
}

let folder: string;
let outside: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "tengine-split-"));
  outside = await mkdtemp(path.join(os.tmpdir(), "tengine-outside-"));
  await writeTree(folder, FILES);
  await writeFile(path.join(outside, "secret.yaml"), "Secret: { type: string }\n");
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const fileOptions = { allowPrivate: false, allowHttp: false };

describe("external $refs from a folder", () => {
  it("imports every operation of a description split into files, with the referenced parts in its schemas", async () => {
    const root = path.join(folder, "openapi.yaml");
    expect(await findRootDocument(folder)).toBe(root);
    const { readFile } = await import("node:fs/promises");
    const parsed = await parseOpenApiDocument(await readFile(root, "utf8"), { externalRefs: await externalRefsFromFile(root, fileOptions) });
    expect(parsed.invalidOperations.size).toBe(0);
    expect(parsed.warnings.filter((w) => w.startsWith("7 referenced files read ("))).toHaveLength(1);
    // Copied once into components; the reference back into the root document stays local.
    const components = parsed.document.components as Record<string, Record<string, unknown>>;
    expect(Object.keys(components.schemas!).sort()).toEqual(["Error", "Owner", "Pet", "address", "country"]);
    expect(Object.keys(components.parameters!).sort()).toEqual(["limit", "petId"]);
    expect(components.responses!.NotFound).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
    expect(components.schemas!.Pet).toMatchObject({ properties: { owner: { $ref: "#/components/schemas/Owner" }, parent: { $ref: "#/components/schemas/Pet" } } });

    const generated = generateTools(parsed);
    expect(generated.skipped).toEqual([]);
    expect(generated.tools.map((t) => t.definition.name).sort()).toEqual(["create_a_pet", "get_a_pet", "list_pets"]);
    const create = generated.tools.find((t) => t.definition.name === "create_a_pet")!.definition;
    const body = (create.inputSchema as { properties: { body: Record<string, unknown> } }).properties.body;
    // The recursive Pet ⇄ Owner pair is kept as $defs references; the chain down to country is resolved.
    const defs = JSON.stringify(create.inputSchema);
    expect(defs).toContain('"maxLength":40');
    expect(defs).toContain('"enum":["DE","FR","US"]');
    expect(defs).toContain('"format":"email"');
    expect(body).toBeDefined();
    const list = generated.tools.find((t) => t.definition.name === "list_pets")!.definition;
    expect(JSON.stringify(list.inputSchema)).toContain('"maximum":100');
  });

  it("refuses a reference that leaves the folder (../ or a symbolic link): that operation is skipped with the reason", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tengine-escape-"));
    try {
      await writeTree(dir, {
        "api/openapi.yaml": `openapi: 3.0.3
info: { title: Escaping, version: '1' }
servers: [{ url: 'https://x.example.com' }]
paths:
  /a:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '../../etc/passwd' } } } } }
  /b:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: 'linked/secret.yaml#/Secret' } } } } }
  /c:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: 'missing.yaml#/X' } } } } }
  /d:
    get:
      responses: { '200': { description: ok } }
  /e:
    post:
      requestBody: { content: { application/json: { schema: { $ref: 'thing.yaml#/Thing' } } } }
      responses: { '200': { description: ok } }
`,
        "api/thing.yaml": `Thing: { type: object, properties: { secret: { $ref: '../../../etc/shadow' } } }
`,
      });
      await symlink(outside, path.join(dir, "api/linked"));
      const root = path.join(dir, "api/openapi.yaml");
      const { readFile } = await import("node:fs/promises");
      const parsed = await parseOpenApiDocument(await readFile(root, "utf8"), { externalRefs: await externalRefsFromFile(root, fileOptions) });
      expect(Object.fromEntries(parsed.invalidOperations)).toEqual({
        "GET /a": expect.stringMatching(/^\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema \(line 7\): \$ref "..\/..\/etc\/passwd" cannot be followed: \.\.\/\.\.\/etc\/passwd is outside the document's folder$/),
        "GET /b": expect.stringMatching(/\$ref "linked\/secret.yaml#\/Secret" cannot be followed: linked\/secret.yaml is outside the document's folder$/),
        "GET /c": expect.stringMatching(/\$ref "missing.yaml#\/X" cannot be followed: missing.yaml does not exist$/),
      });
      // A reference that fails inside copied content: a note with the place and the reason; the operation using it is skipped pointing there.
      expect(parsed.warnings, JSON.stringify(parsed.warnings)).toContain(`/components/schemas/Thing/properties/secret (from thing.yaml): $ref "../../../etc/shadow" cannot be followed: ../../../etc/shadow is outside the document's folder`);
      const generated = generateTools(parsed);
      expect(generated.tools.map((t) => t.path)).toEqual(["/d"]);
      expect(generated.skipped.find((s) => s.operation === "POST /e")?.reason).toContain('$ref "../../../etc/shadow" points to another file that was not read (the notes say why)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a pasted document cannot have external references, and says so", async () => {
    const { readFile } = await import("node:fs/promises");
    const parsed = await parseOpenApiDocument(await readFile(path.join(folder, "openapi.yaml"), "utf8"));
    expect(parsed.invalidOperations.get("GET /pets/{petId}")).toBe(
      "/paths/~1pets~1{petId}/get/parameters/0 (line 12): $ref \"common/parameters.yaml#/petId\" points to another file, which a pasted or uploaded document cannot bring along: import the document from its URL or its folder (tengine openapi import <folder>), or bundle it into one file",
    );
    // The path item reference is outside any operation: a warning, and its path has no operations.
    expect(parsed.warnings.some((w) => w.startsWith('/paths/~1pets (line 6): $ref "paths/pets.yaml" points to another file, which a pasted'))).toBe(true);
  });

  it("a split Swagger 2.0 document: referenced definitions and parameters are converted with the rest", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tengine-swagger-"));
    try {
      await writeTree(dir, {
        "swagger.yaml": `swagger: '2.0'
info: { title: Split swagger, version: '1' }
host: api.example.com
schemes: [https]
paths:
  /orders:
    post:
      summary: Create order
      parameters:
        - $ref: 'shared.yaml#/parameters/trace'
        - { name: body, in: body, required: true, schema: { $ref: 'shared.yaml#/definitions/Order' } }
      responses: { '200': { description: ok } }
`,
        "shared.yaml": `parameters:
  trace: { name: X-Trace, in: header, type: string, maxLength: 64 }
definitions:
  Order: { type: object, required: [sku], properties: { sku: { type: string, pattern: '^[A-Z]+$' } } }
`,
      });
      const root = await findRootDocument(dir);
      const { readFile } = await import("node:fs/promises");
      const parsed = await parseOpenApiDocument(await readFile(root, "utf8"), { externalRefs: await externalRefsFromFile(root, fileOptions) });
      const generated = generateTools(parsed);
      expect(generated.skipped).toEqual([]);
      const schema = JSON.stringify(generated.tools[0]!.definition.inputSchema);
      expect(schema).toContain('"pattern":"^[A-Z]+$"');
      expect(schema).toContain('"maxLength":64');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a folder without a root document is a clear error", async () => {
    await expect(findRootDocument(outside)).rejects.toThrow(`the folder ${outside} has no root document: expected one of openapi.yaml, openapi.yml, openapi.json, swagger.yaml, swagger.yml, swagger.json`);
  });
});

describe("external $refs over HTTP", () => {
  let server: http.Server;
  let base: string;
  let allowlist: ReturnType<typeof parseUpstreamAllowlist>;
  const served = new Map<string, string>();
  const requests: string[] = [];

  beforeAll(async () => {
    for (const [name, text] of Object.entries(FILES)) served.set(`/spec/${name}`, text);
    // A chain of 20 files (for the depth limit) and a root referring to 101 files (for the count).
    for (let i = 0; i < 20; i++) served.set(`/chain/s${i}.yaml`, i === 19 ? "type: string\n" : `$ref: 's${i + 1}.yaml'\n`);
    for (let i = 0; i <= 100; i++) served.set(`/many/p${i}.yaml`, `type: string\nmaxLength: ${i + 1}\n`);
    served.set("/big/part.yaml", `type: string\ndescription: '${"x".repeat(5000)}'\n`);
    server = http.createServer((req, res) => {
      requests.push(req.url ?? "");
      if (req.url === "/moved/schemas.yaml") {
        res.writeHead(302, { location: "/spec/schemas/pet.yaml" }).end();
        return;
      }
      const text = served.get(req.url ?? "");
      if (text === undefined) res.writeHead(404).end("no such file");
      else res.writeHead(200, { "content-type": "application/yaml" }).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    allowlist = parseUpstreamAllowlist(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The guard stays on: only this server's host:port is exempt (as UPSTREAM_ALLOWLIST would make it). */
  const guarded = () => {
    if (!allowlist.ok) throw new Error(allowlist.error);
    return { allowPrivate: false, allowHttp: true, allowlist: allowlist.allowlist };
  };

  async function importFrom(url: string, extra: Partial<Parameters<typeof parseOpenApiDocument>[1]> = {}) {
    const fetched = await fetchOpenApiDocument(url, guarded());
    return parseOpenApiDocument(fetched.text, { externalRefs: externalRefsFromUrl(fetched.url, guarded()), ...extra });
  }

  it("follows relative references against the document's URL: chains, a cycle across files, a redirect", async () => {
    requests.length = 0;
    const parsed = await importFrom(`${base}/spec/openapi.yaml`);
    expect(parsed.invalidOperations.size).toBe(0);
    const generated = generateTools(parsed);
    expect(generated.skipped).toEqual([]);
    expect(generated.tools).toHaveLength(3);
    expect(JSON.stringify(generated.tools.find((t) => t.definition.name === "create_a_pet")!.definition.inputSchema)).toContain('"enum":["DE","FR","US"]');
    // Each file fetched once, however often it is referenced.
    expect(requests.filter((r) => r === "/spec/schemas/pet.yaml")).toHaveLength(1);
    expect(requests.sort()).toEqual(["/spec/common/country.yaml", "/spec/common/parameters.yaml", "/spec/common/responses.yaml", "/spec/openapi.yaml", "/spec/paths/pets.yaml", "/spec/schemas/address.json", "/spec/schemas/owner.yaml", "/spec/schemas/pet.yaml"]);
  });

  it("a chain deeper than the depth limit, more files than the file limit, more bytes than the byte limit: each refused by name", async () => {
    const doc = (schemaRefs: string[]) => {
      served.set(
        "/limits/openapi.yaml",
        `openapi: 3.0.3
info: { title: Limits, version: '1' }
servers: [{ url: 'https://x.example.com' }]
paths:
  /x:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { ${schemaRefs.map((r, i) => `p${i}: { $ref: '${r}' }`).join(", ")} } }
      responses: { '200': { description: ok } }
`,
      );
      return `${base}/limits/openapi.yaml`;
    };
    // 20 files in a chain: over the default depth limit of 16.
    const deep = await importFrom(doc(["../chain/s0.yaml"])).catch((e: unknown) => e);
    expect(deep).toBeInstanceOf(OpenApiImportError);
    expect((deep as Error).message).toBe(`external $refs: ${base}/chain/s16.yaml is 17 files deep in a chain of references; the depth limit is 16`);
    // …and within it when the limit allows.
    const allowed = await importFrom(doc(["../chain/s0.yaml"]), { externalRefLimits: { files: 100, depth: 20, bytes: 1_000_000 } });
    expect(generateTools(allowed).tools).toHaveLength(1);

    const many = await importFrom(doc(Array.from({ length: 101 }, (_, i) => `../many/p${i}.yaml`))).catch((e: unknown) => e);
    expect((many as Error).message).toBe("external $refs: the document refers to more than 100 files; the limit on referenced files is 100");

    const big = await importFrom(doc(["../big/part.yaml"]), { externalRefLimits: { files: 100, depth: 16, bytes: 4096 } }).catch((e: unknown) => e);
    expect((big as Error).message).toMatch(/^external \$refs: the referenced files are larger than 4 KB together \(at .*big\/part.yaml\); the limit on their total bytes is 4 KB$/);
  });

  it("a referenced file nested thousands of levels deep is cut at 200 levels like the document, never a crash", async () => {
    served.set("/deep/schema.json", `${'{"type":"object","properties":{"n":'.repeat(20_000)}{"type":"string"}${"}}".repeat(20_000)}`);
    served.set(
      "/deep/openapi.yaml",
      `openapi: 3.0.3
info: { title: Deep, version: '1' }
servers: [{ url: 'https://x.example.com' }]
paths:
  /deep:
    post:
      requestBody: { content: { application/json: { schema: { $ref: 'schema.json' } } } }
      responses: { '200': { description: ok } }
  /fine:
    get:
      responses: { '200': { description: ok } }
`,
    );
    const started = Date.now();
    const parsed = await importFrom(`${base}/deep/openapi.yaml`);
    // Copied into components and cut at 200 levels there, as a deep component of the document itself would be: a warning with the place.
    expect(parsed.warnings.some((w) => w.startsWith("/components/schemas/schema/properties/n/properties/n/") && w.endsWith("nested deeper than 200 levels; cut off (operations using it may be skipped)"))).toBe(true);
    const generated = generateTools(parsed);
    expect(generated.tools.map((t) => t.path)).toEqual(["/deep", "/fine"]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("a reference to a private address is refused by the SSRF guard; with the guard lifted it is fetched", async () => {
    served.set(
      "/private/openapi.yaml",
      `openapi: 3.0.3
info: { title: Private, version: '1' }
servers: [{ url: 'https://x.example.com' }]
paths:
  /metadata:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: 'http://169.254.169.254/latest/schema.yaml' } } } } }
  /internal:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: 'http://localhost:${new URL(base).port}/spec/schemas/pet.yaml#/Pet' } } } } }
  /moved:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '/moved/schemas.yaml#/Pet' } } } } }
  /local-file:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: 'file:///etc/passwd' } } } } }
`,
    );
    const parsed = await importFrom(`${base}/private/openapi.yaml`);
    expect(parsed.invalidOperations.get("GET /metadata")).toMatch(/\$ref "http:\/\/169\.254\.169\.254\/latest\/schema\.yaml" cannot be followed: cannot fetch .*169\.254\.169\.254 is (link-local|a cloud metadata)/);
    // localhost is not the allow-listed 127.0.0.1: resolved, then refused as loopback.
    expect(parsed.invalidOperations.get("GET /internal")).toMatch(/cannot be followed: .*loopback/);
    expect(parsed.invalidOperations.get("GET /local-file")).toMatch(/cannot be followed: a document fetched from a URL can only refer to other URLs, not to file references$/);
    // A redirect on the allow-listed server is followed (and checked again).
    expect(parsed.invalidOperations.has("GET /moved")).toBe(false);
    expect(generateTools(parsed).tools.map((t) => t.path)).toEqual(["/moved"]);

    // ALLOW_PRIVATE_UPSTREAMS (development): the loopback reference is fetched.
    const fetched = await fetchOpenApiDocument(`${base}/private/openapi.yaml`, { allowPrivate: true, allowHttp: true });
    const lifted = await parseOpenApiDocument(fetched.text, { externalRefs: externalRefsFromUrl(fetched.url, { allowPrivate: true, allowHttp: true }) });
    expect(lifted.invalidOperations.has("GET /internal")).toBe(false);
    expect(lifted.invalidOperations.has("GET /local-file")).toBe(true);
  });
});

import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SecretBox } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../bin/tengine.mjs", import.meta.url));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: NodeJS.ProcessEnv;
let file: string;

const DOCUMENT = `openapi: 3.0.3
info: { title: Todo API, version: '1' }
servers: [{ url: 'https://todo.example.com/api' }]
paths:
  /todos:
    get:
      operationId: listTodos
      summary: List todos
      description: "**Required scope:** todos:read"
      parameters: [{ name: done, in: query, schema: { type: boolean } }]
      responses: { '200': { description: ok } }
    post:
      operationId: createTodo
      summary: Create todo
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, required: [title], properties: { title: { type: string } } } } }
      responses: { '201': { description: created } }
  /todos/{id}/attachment:
    put:
      summary: Upload attachment
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      requestBody: { content: { application/vnd.ms-excel: { schema: { type: string, format: binary } } } }
      responses: { '200': { description: ok } }
`;

async function tengine(...args: string[]) {
  const { stdout } = await run(process.execPath, [bin, ...args], { env, timeout: 60_000 });
  return stdout;
}
const tengineJson = async (...args: string[]) => JSON.parse(await tengine("--json", ...args));

beforeAll(async () => {
  database = await createTestDatabase("cli_openapi");
  env = { ...process.env, DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, TENGINE_MASTER_KEY: SecretBox.generateKey(), PUBLIC_GATEWAY_URL: "https://gw.example" };
  file = path.join(os.tmpdir(), `todo-openapi-${Date.now()}.yaml`);
  await writeFile(file, DOCUMENT);
}, 60_000);
afterAll(() => database?.drop());

describe("tengine openapi import", () => {
  it("dry-run writes nothing; import creates the tools; re-import reports everything unchanged", { timeout: 120_000 }, async () => {
    await tengineJson("projects", "create", "Todos");

    const dry = await tengineJson("openapi", "import", "--project", "todos", file, "--dry-run");
    expect(dry.dryRun).toBe(true);
    expect(dry.plan.added.map((t: { name: string }) => t.name)).toEqual(["list_todos", "create_todo"]);
    expect(dry.plan.skipped).toEqual([{ operation: "PUT /todos/{id}/attachment", reason: "the request body is application/vnd.ms-excel; no media type that can be sent (JSON, form, multipart, binary or text)" }]);
    expect(await database.db.tool.count()).toBe(0);
    expect(await database.db.toolImport.count()).toBe(0);

    const human = await tengine("openapi", "import", "--project", "todos", file, "--dry-run", "--base-url", "https://staging.example.com");
    expect(human).toContain("Todo API (openapi-3.0), base URL https://staging.example.com");
    expect(human).toContain("2 would be added, 0 would be changed, 0 would be removed, 0 unchanged, 1 skipped");
    expect(human).toContain("  + list_todos  GET https://staging.example.com/todos");
    expect(human).toContain("  ! skipped PUT /todos/{id}/attachment: the request body is application/vnd.ms-excel");
    expect(human).toContain("(dry run: nothing was changed)");

    const imported = await tengineJson("openapi", "import", "--project", "todos", file);
    expect(imported.importId).toMatch(/^imp_/);
    expect(imported.summary.counts).toEqual({ added: 2, changed: 0, removed: 0, unchanged: 0, skipped: 1 });
    const tools = await tengineJson("tools", "list", "--project", "todos");
    expect(tools.map((t: { name: string }) => t.name).sort()).toEqual(["create_todo", "list_todos"]);
    expect(tools.find((t: { name: string }) => t.name === "list_todos")).toMatchObject({ source: "openapi", operationId: "listTodos", requiredScopes: ["todos:read"], url: "https://todo.example.com/api/todos" });

    const again = await tengine("openapi", "import", "--project", "todos", file);
    expect(again).toContain("0 added, 0 changed, 0 removed, 2 unchanged, 1 skipped");
    const audit = await database.db.auditLog.findMany({ where: { action: "openapi.import" }, orderBy: { id: "asc" } });
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => a.actorEmail === "tengine CLI")).toBe(true);
  });

  it("reports a malformed document with its location and exits 1", { timeout: 60_000 }, async () => {
    const bad = path.join(os.tmpdir(), `bad-openapi-${Date.now()}.yaml`);
    await writeFile(bad, "openapi: 3.0.3\ninfo:\n  title: x\n  version: '1'\npaths:\n  /a: [\n");
    const failure = await run(process.execPath, [bin, "openapi", "import", "--project", "todos", bad], { env, timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/^error: invalid YAML at line \d+, column \d+: /);
  });

  it("imports a description split into files, from its folder and from its URL; a reference leaving the folder is skipped", { timeout: 120_000 }, async () => {
    const files: Record<string, string> = {
      "openapi.yaml": `openapi: 3.0.3
info: { title: Split notes, version: '1' }
servers: [{ url: 'https://notes.example.com' }]
paths:
  /notes:
    $ref: 'paths/notes.yaml'
  /escape:
    get:
      summary: Escape
      parameters: [{ $ref: '../../etc/passwd' }]
      responses: { '200': { description: ok } }
`,
      "paths/notes.yaml": `post:
  operationId: createNote
  summary: Create note
  requestBody:
    content: { application/json: { schema: { $ref: '../schemas.yaml#/Note' } } }
  responses: { '201': { description: created } }
`,
      "schemas.yaml": `Note: { type: object, required: [text], properties: { text: { type: string, maxLength: 500 } } }
`,
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), "split-notes-"));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    const server = http.createServer((req, res) => {
      const text = files[(req.url ?? "").replace(/^\/api\//, "")];
      if (text === undefined) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "application/yaml" }).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await tengineJson("projects", "create", "Notes");
      const fromFolder = await tengineJson("openapi", "import", "--project", "notes", dir, "--dry-run");
      expect(fromFolder.plan.added.map((t: { name: string }) => t.name)).toEqual(["create_note"]);
      expect(JSON.stringify(fromFolder.plan.added[0].inputSchema)).toContain('"maxLength":500');
      expect(fromFolder.plan.skipped).toEqual([{ operation: "GET /escape", reason: expect.stringContaining('$ref "../../etc/passwd" cannot be followed: ../../etc/passwd is outside the document\'s folder') }]);

      // The root file itself works the same way.
      const fromFile = await tengine("openapi", "import", "--project", "notes", path.join(dir, "openapi.yaml"), "--dry-run");
      expect(fromFile).toContain("  + create_note  POST https://notes.example.com/notes");

      // From a URL: the project must allow http upstreams for a plain-http server (the test env lifts the private-address guard).
      await database.db.project.update({ where: { slug: "notes" }, data: { allowHttpUpstreams: true } });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/openapi.yaml`;
      const fromUrl = await tengineJson("openapi", "import", "--project", "notes", url);
      expect(fromUrl.summary.counts).toMatchObject({ added: 1, skipped: 1 });
      const tool = await database.db.tool.findFirstOrThrow({ where: { name: "create_note" } });
      expect(JSON.stringify(tool.inputSchema)).toContain('"maxLength":500');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("tengine openapi import: choosing operations", () => {
  it("--method/--tag/--path/--operation import only the chosen operations; an unknown operation is refused by name", { timeout: 120_000 }, async () => {
    await tengineJson("projects", "create", "Chosen todos");
    const byMethod = await tengine("openapi", "import", "--project", "chosen-todos", file, "--dry-run", "--method", "post");
    expect(byMethod).toContain("1 would be added");
    expect(byMethod).toContain("  + create_todo  POST https://todo.example.com/api/todos");
    expect(byMethod).toContain("  . not chosen GET /todos");
    const chosen = await tengineJson("openapi", "import", "--project", "chosen-todos", file, "--operation", "GET /todos");
    expect(chosen.summary).toMatchObject({ counts: { added: 1 }, added: ["list_todos"], notSelected: ["POST /todos"] });
    await expect(tengine("openapi", "import", "--project", "chosen-todos", file, "--operation", "GET /nothing")).rejects.toMatchObject({ stderr: expect.stringContaining("GET /nothing: this import would not add or change such an operation") });
    expect(await tengine("openapi", "import", "--project", "chosen-todos", file, "--dry-run", "--path", "todos", "--tag", "none-such")).toContain("0 would be added");
  });
});

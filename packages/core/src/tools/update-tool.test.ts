import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox, secretAd } from "../crypto/secret-box.ts";
import { isAppError } from "../errors/app-error.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { createTool } from "./create-tool.ts";
import { deleteTool } from "./delete-tool.ts";
import { getToolView } from "./get-tool.ts";
import { setToolEnabled } from "./set-tool-enabled.ts";
import type { ToolDefinitionInput } from "./tool-definition.ts";
import { updateTool } from "./update-tool.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const secretBox = new SecretBox(SecretBox.generateKey());
let projectId: string;
let otherProjectId: string;

const base: ToolDefinitionInput = {
  name: "get_thing",
  description: "Gets a thing",
  inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  method: "GET",
  url: "https://api.example.com/things/{{input.id}}",
};

beforeAll(async () => {
  database = await createTestDatabase("tool_edit");
  const org = await createOrganization(database.db, { name: "Tools" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Tools" })).id;
  otherProjectId = (await createProject(database.db, { orgId: org.id, name: "Other" })).id;
});
afterAll(() => database?.drop());

const configVersion = async (id = projectId) => (await database.db.project.findUniqueOrThrow({ where: { id } })).configVersion;
const storedSecret = async (toolId: string) => {
  const row = await database.db.tool.findUniqueOrThrow({ where: { id: toolId } });
  return row.authSecretEnc ? secretBox.decrypt(row.authSecretEnc, secretAd.toolAuthSecret(toolId)) : null;
};
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a failure");
};

describe("updateTool", () => {
  it("replaces every field, renames, clears optional templates and bumps the config version", async () => {
    const created = await createTool(database.db, secretBox, projectId, { ...base, name: "t_full", query: { a: "1" }, headers: { "x-a": "literal-credential" }, body: { x: 1 } });
    const before = await configVersion();
    const { tool: updated, changed, before: was, after: now } = await updateTool(database.db, secretBox, projectId, created.id, {
      ...base,
      name: "t_full_renamed",
      title: "Renamed",
      description: "New description",
      enabled: false,
      method: "post",
      url: "https://api.example.com/v2/things",
      annotations: { readOnlyHint: false, destructiveHint: true },
      requiredScopes: ["things:write", " things:write "],
      requiresApproval: true,
      timeoutMs: 5000,
      maxAttempts: 1,
      maxResponseBytes: 2048,
      idempotencyWindowSec: 0,
    });
    // The audit values: each changed field before and after; a header by its name only (its value may be a credential).
    expect(was).toMatchObject({ headers: ["x-a"], name: "t_full", timeoutMs: 10000, requiresApproval: false, method: "GET" });
    expect(now).toMatchObject({ name: "t_full_renamed", timeoutMs: 5000, requiresApproval: true, method: "POST", description: "New description" });
    expect(Object.keys(now).sort()).toEqual([...changed].sort());
    expect(JSON.stringify([was, now])).not.toContain("literal-credential");
    expect(updated).toMatchObject({
      id: created.id,
      name: "t_full_renamed",
      title: "Renamed",
      enabled: false,
      method: "POST",
      annotations: { destructiveHint: true },
      requiredScopes: ["things:write"],
      requiresApproval: true,
      timeoutMs: 5000,
      maxAttempts: 1,
      maxResponseBytes: 2048,
      idempotencyWindowSec: 0,
      source: "manual",
    });
    expect(changed).toEqual(["name", "title", "description", "enabled", "annotations", "requiredScopes", "requiresApproval", "method", "url", "query", "headers", "body", "timeoutMs", "maxAttempts", "maxResponseBytes", "idempotencyWindowSec"]);
    expect(updated.query).toBeUndefined();
    expect(updated.headers).toBeUndefined();
    expect(updated.body).toBeUndefined();
    expect(await configVersion()).toBe(before + 1);
    expect(await getToolView(database.db, projectId, "t_full")).toBeNull();
    expect((await getToolView(database.db, projectId, "t_full_renamed"))?.id).toBe(created.id);
  });

  it("keeps the stored secret when none is given, replaces it when one is, and drops it when auth no longer needs one", async () => {
    const created = await createTool(database.db, secretBox, projectId, { ...base, name: "t_secret", auth: { type: "bearer", token: "original-token-1" } });
    // keep: empty token, type still needs one (bearer → bearer+hmac keeps it too)
    const { tool: kept, changed: keptChanged } = await updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_secret", auth: { type: "bearer+hmac", token: "" }, keepSecret: true });
    expect(kept.auth).toEqual({ type: "bearer+hmac", secretSet: true });
    expect(JSON.stringify(kept)).not.toContain("original-token-1");
    expect(keptChanged).toEqual(["auth"]);
    expect(await storedSecret(created.id)).toBe("original-token-1");
    // replace
    expect((await updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_secret", auth: { type: "bearer", token: "replacement-token" } })).changed).toEqual(["auth", "auth.secret"]);
    expect(await storedSecret(created.id)).toBe("replacement-token");
    // header auth keeps it too, with its header name
    const { tool: header } = await updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_secret", auth: { type: "header", name: "X-Api-Key", value: "" } as never });
    expect(header.auth).toEqual({ type: "header", name: "X-Api-Key", secretSet: true });
    expect(await storedSecret(created.id)).toBe("replacement-token");
    // hmac needs no secret: dropped
    const { tool: hmac, changed: hmacChanged } = await updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_secret", auth: { type: "hmac" } });
    expect(hmac.auth).toEqual({ type: "hmac" });
    expect(hmacChanged).toEqual(["auth", "auth.secret"]);
    expect(await storedSecret(created.id)).toBeNull();
    // nothing to keep any more: the token is required again
    expect(await failure(updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_secret", auth: { type: "bearer", token: "" }, keepSecret: true }))).toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("auth.token"),
    });
  });

  it("does not keep a secret when keepSecret is false", async () => {
    const created = await createTool(database.db, secretBox, projectId, { ...base, name: "t_nokeep", auth: { type: "bearer", token: "original-token-2" } });
    expect(await failure(updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_nokeep", auth: { type: "bearer", token: "" }, keepSecret: false }))).toMatchObject({ code: "bad_request" });
    expect(await storedSecret(created.id)).toBe("original-token-2");
  });

  it("validates like createTool and changes nothing on failure", async () => {
    const created = await createTool(database.db, secretBox, projectId, { ...base, name: "t_invalid" });
    const before = await configVersion();
    const bad = await failure(updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_invalid", inputSchema: { type: "string" }, url: "https://{{input.host}}/x" }));
    expect(bad).toMatchObject({ code: "bad_request", message: expect.stringContaining("invalid tool definition: inputSchema:") });
    expect(await configVersion()).toBe(before);
    expect((await getToolView(database.db, projectId, "t_invalid"))?.inputSchema).toEqual(base.inputSchema);
  });

  it("answers a conflict when renaming onto another tool's name", async () => {
    await createTool(database.db, secretBox, projectId, { ...base, name: "t_taken" });
    const created = await createTool(database.db, secretBox, projectId, { ...base, name: "t_rename" });
    expect(await failure(updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_taken" }))).toEqual({ code: "conflict", message: 'a tool named "t_taken" already exists in this project' });
    // the same name in another project is fine
    await createTool(database.db, secretBox, otherProjectId, { ...base, name: "t_elsewhere" });
    await expect(updateTool(database.db, secretBox, projectId, created.id, { ...base, name: "t_elsewhere" })).resolves.toMatchObject({ tool: { name: "t_elsewhere" }, changed: ["name"] });
  });

  it("never reaches another project's tool", async () => {
    const foreign = await createTool(database.db, secretBox, otherProjectId, { ...base, name: "t_foreign" });
    expect(await failure(updateTool(database.db, secretBox, projectId, foreign.id, { ...base, name: "t_foreign" }))).toMatchObject({ code: "not_found" });
    expect(await failure(setToolEnabled(database.db, projectId, foreign.id, false))).toMatchObject({ code: "not_found" });
    expect(await failure(deleteTool(database.db, projectId, foreign.id))).toMatchObject({ code: "not_found" });
    expect(await getToolView(database.db, projectId, "t_foreign")).toBeNull();
    expect(await getToolView(database.db, otherProjectId, "t_foreign")).toMatchObject({ id: foreign.id, enabled: true });
  });
});

describe("setToolEnabled / deleteTool / getToolView", () => {
  it("toggles, deletes and bumps the config version each time", async () => {
    const created = await createTool(database.db, secretBox, projectId, { ...base, name: "t_toggle", auth: { type: "bearer", token: "toggle-secret-1" } });
    let version = await configVersion();
    expect(await setToolEnabled(database.db, projectId, created.id, false)).toMatchObject({ enabled: false });
    expect(await configVersion()).toBe(++version);
    const view = await getToolView(database.db, projectId, "t_toggle");
    expect(view).toMatchObject({ enabled: false, auth: { type: "bearer", secretSet: true } });
    expect(JSON.stringify(view)).not.toContain("toggle-secret-1");
    expect(await deleteTool(database.db, projectId, created.id)).toEqual({ id: created.id, name: "t_toggle" });
    expect(await configVersion()).toBe(++version);
    expect(await getToolView(database.db, projectId, "t_toggle")).toBeNull();
    expect(await failure(deleteTool(database.db, projectId, created.id))).toMatchObject({ code: "not_found" });
  });
});

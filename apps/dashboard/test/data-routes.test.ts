import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardUnderTest } from "./support/dashboard-under-test.ts";
import { createTenant, type Tenant } from "./support/tenant-world.ts";

/*
 * The dashboard's data routes (the live pages' pulse, the runs export, the audit export), called
 * as the browser would with real session cookies: no session is a 401, another organization's
 * project is the 404 a missing one gets, the audit export is for admins and owners, and each
 * answers only its own tenant's data.
 */

const dash = await dashboardUnderTest("data_routes");
const masterKey = process.env.TENGINE_MASTER_KEY!;
const { GET: pulse } = await import("../app/api/projects/[slug]/pulse/route.ts");
const { GET: exportRuns } = await import("../app/api/projects/[slug]/runs/export/route.ts");
const { GET: exportAudit } = await import("../app/api/org/audit/export/route.ts");

let acme: Tenant;
let globex: Tenant;
const params = (slug: string) => ({ params: Promise.resolve({ slug }) });
const get = (path: string) => new Request(`http://localhost:3000${path}`);

beforeAll(async () => {
  acme = await createTenant(dash.db, masterKey, "Acme");
  globex = await createTenant(dash.db, masterKey, "Globex");
  for (const [tenant, note] of [[acme, "acme-only-note"], [globex, "globex-only-note"]] as const) {
    await dash.db.run.create({ data: { id: `run_${"0".repeat(25)}${tenant === acme ? "a" : "b"}`, projectId: tenant.project.id, toolName: "send_invoice", status: "failed", principalKind: "api_key", httpStatus: 502, error: note } });
  }
}, 120_000);
afterAll(() => dash.drop());

describe("data routes", () => {
  it("refuse a browser without a session", async () => {
    dash.signOut();
    expect((await pulse(get(`/api/projects/${acme.project.slug}/pulse`), params(acme.project.slug))).status).toBe(401);
    expect((await exportRuns(get(`/api/projects/${acme.project.slug}/runs/export`), params(acme.project.slug))).status).toBe(401);
    expect((await exportAudit(get("/api/org/audit/export"))).status).toBe(401);
  });

  it("answer another organization's project as not found", async () => {
    await dash.signInAs(globex.owner.id);
    expect((await pulse(get(`/api/projects/${acme.project.slug}/pulse`), params(acme.project.slug))).status).toBe(404);
    expect((await exportRuns(get(`/api/projects/${acme.project.slug}/runs/export`), params(acme.project.slug))).status).toBe(404);
  });

  it("export a project's runs as CSV or JSON, filtered, with nothing of another tenant's", async () => {
    await dash.signInAs(acme.viewer.id);
    const csv = await (await exportRuns(get(`/api/projects/${acme.project.slug}/runs/export?format=csv&http=5xx`), params(acme.project.slug))).text();
    expect(csv.split("\n")[0]).toMatch(/^id,toolId,toolName,status,/);
    expect(csv).toContain("acme-only-note");
    expect(csv).not.toContain("globex-only-note");
    const json = (await (await exportRuns(get(`/api/projects/${acme.project.slug}/runs/export?format=json&q=nothing-like-this`), params(acme.project.slug))).json()) as unknown[];
    expect(json).toEqual([]);
    const bad = await exportRuns(get(`/api/projects/${acme.project.slug}/runs/export?format=xml`), params(acme.project.slug));
    expect(bad.status).toBe(400);
    const beat = (await (await pulse(get(`/api/projects/${acme.project.slug}/pulse`), params(acme.project.slug))).json()) as { pulse: string };
    expect(beat.pulse).toMatch(/^[0-9a-f]{16}$/);
  });

  it("export the audit log to admins and owners only, of their own organization", async () => {
    await dash.db.auditLog.createMany({
      data: [
        { id: `aud_${"0".repeat(25)}a`, orgId: acme.org.id, projectId: acme.project.id, actorEmail: "someone@acme.example", action: "tool.update", targetType: "tool", targetId: acme.tool.id },
        { id: `aud_${"0".repeat(25)}b`, orgId: globex.org.id, actorEmail: "someone@globex.example", action: "tool.update", targetType: "tool", targetId: "t2" },
      ],
    });
    await dash.signInAs(acme.member.id);
    expect((await exportAudit(get("/api/org/audit/export"))).status).toBe(403);
    await dash.signInAs(acme.admin.id);
    const csv = await (await exportAudit(get("/api/org/audit/export?action=tool.*"))).text();
    expect(csv).toContain("someone@acme.example");
    expect(csv).not.toContain("globex");
    // Names beside the ids: the tool's name in the target column, as the page shows it.
    const [head, line] = csv.trim().split("\n");
    expect(head).toBe("id,createdAt,actor,actorEmail,action,project,targetType,target,targetId,details");
    expect(line).toContain(`,tool,${acme.tool.name},${acme.tool.id},`);
  });
});

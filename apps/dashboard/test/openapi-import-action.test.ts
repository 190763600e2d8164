import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverFromFieldErrors } from "../src/components/openapi/preview.ts";
import { dashboardUnderTest } from "./support/dashboard-under-test.ts";
import { createTenant, type Tenant } from "./support/tenant-world.ts";

/*
 * The import form's server fields through the server actions it calls (the browser side is
 * e2e/specs/openapi-import-servers.spec.ts): server variables, the base URL of a relative
 * server in a paste, and a paste's references to other files.
 */

const dash = await dashboardUnderTest("dashboard_openapi_import");
const { planImportAction, applyImportAction } = await import("../src/server/actions/openapi.ts");

let acme: Tenant;
beforeAll(async () => {
  acme = await createTenant(dash.db, process.env.TENGINE_MASTER_KEY!, "Acme import");
});
afterAll(() => dash.drop());

const regional = `openapi: 3.0.3
info: { title: Regional API, version: '1' }
servers:
  - url: 'https://{region}.api.example.com/{version}'
    variables:
      region: { default: eu, enum: [eu, us], description: Data region }
      version: { default: v2 }
paths:
  /orders:
    get: { operationId: listOrders, summary: List orders, responses: { '200': { description: ok } } }
`;

describe("OpenAPI import: server fields", () => {
  it("describes the server's variables, uses the values given, refuses one outside the enum next to its field", async () => {
    await dash.signInAs(acme.member.id);
    const slug = acme.project.slug;
    const first = await planImportAction(slug, { sourceKind: "paste", text: regional });
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(first.data!.baseUrl).toBe("https://eu.api.example.com/v2");
    expect(first.data!.server).toEqual({ url: "https://{region}.api.example.com/{version}", variables: [{ name: "region", default: "eu", enum: ["eu", "us"], description: "Data region" }, { name: "version", default: "v2" }] });

    const chosen = await planImportAction(slug, { sourceKind: "paste", text: regional, serverVariables: { region: "us", version: "v3" } });
    if (!chosen.ok) throw new Error(JSON.stringify(chosen));
    expect(chosen.data!.baseUrl).toBe("https://us.api.example.com/v3");

    const wrong = await planImportAction(slug, { sourceKind: "paste", text: regional, serverVariables: { region: "apac" } });
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { "serverVariables.region": 'Server variable region: "apac" is not one of eu, us' } });
    expect(serverFromFieldErrors(wrong.ok ? undefined : wrong.fieldErrors)?.variables.map((v) => v.name)).toEqual(["region", "version"]);

    const applied = await applyImportAction(slug, { source: { sourceKind: "paste", text: regional, serverVariables: { region: "us", version: "v3" } }, fingerprint: chosen.data!.fingerprint });
    expect(applied).toMatchObject({ ok: true, data: { status: "applied", added: 1 } });
    const tool = await dash.db.tool.findFirstOrThrow({ where: { projectId: acme.project.id, operationId: "listOrders" } });
    expect(tool.url).toBe("https://us.api.example.com/v3/orders");
  });

  it("a variable without a default and a relative server in a paste are asked for by field", async () => {
    await dash.signInAs(acme.member.id);
    const tenant = `openapi: 3.0.3
info: { title: Tenant API, version: '1' }
servers: [{ url: 'https://{tenant}.example.com', variables: { tenant: { description: Your tenant } } }]
paths: { /me: { get: { responses: { '200': { description: ok } } } } }
`;
    const missing = await planImportAction(acme.project.slug, { sourceKind: "paste", text: tenant });
    expect(missing).toMatchObject({ ok: false, fieldErrors: { "serverVariables.tenant": "The server URL https://{tenant}.example.com has a variable without a default (tenant): enter its value below (or a base URL)" } });
    expect(serverFromFieldErrors(missing.ok ? undefined : missing.fieldErrors)).toEqual({ url: "https://{tenant}.example.com", variables: [{ name: "tenant", description: "Your tenant" }] });
    const given = await planImportAction(acme.project.slug, { sourceKind: "paste", text: tenant, serverVariables: { tenant: "acme" } });
    expect(given).toMatchObject({ ok: true, data: { baseUrl: "https://acme.example.com" } });

    const relative = tenant.replace("'https://{tenant}.example.com', variables: { tenant: { description: Your tenant } }", "/v1");
    const noBase = await planImportAction(acme.project.slug, { sourceKind: "paste", text: relative });
    expect(noBase).toMatchObject({ ok: false, fieldErrors: { baseUrl: "This document’s server URL is relative, and a pasted or uploaded document has no address to resolve it against: enter the API’s base URL." } });
    expect(await planImportAction(acme.project.slug, { sourceKind: "paste", text: relative, baseUrl: "https://api.example.com/v1" })).toMatchObject({ ok: true, data: { baseUrl: "https://api.example.com/v1" } });
  });

  it("a pasted document's reference to another file skips its operation, saying why", async () => {
    await dash.signInAs(acme.member.id);
    const text = `openapi: 3.0.3
info: { title: Split, version: '1' }
servers: [{ url: 'https://split.example.com' }]
paths:
  /a: { get: { parameters: [{ $ref: 'common.yaml#/Limit' }], responses: { '200': { description: ok } } } }
  /b: { get: { responses: { '200': { description: ok } } } }
`;
    const planned = await planImportAction(acme.project.slug, { sourceKind: "paste", text });
    if (!planned.ok) throw new Error(JSON.stringify(planned));
    expect(planned.data!.skipped).toEqual([{ operation: "GET /a", reason: expect.stringContaining('$ref "common.yaml#/Limit" points to another file, which a pasted or uploaded document cannot bring along') }]);
    expect(planned.data!.added.map((t) => t.url)).toEqual(["https://split.example.com/b"]);
  });
});

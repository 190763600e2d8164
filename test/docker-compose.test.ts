import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

// docker-compose.yml is the production topology users start with `docker compose up`. It is
// validated here on every run against the Compose specification's JSON schema (as shipped by
// the dclint package), with no Docker needed, and its structure is checked: what runs, in
// which order, and which settings the operator must provide.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FILE = path.join(ROOT, "docker-compose.yml");
const text = readFileSync(FILE, "utf8");
const compose = parse(text, { merge: true }) as { services: Record<string, any> };
const services = compose.services;

/** The Compose specification's schema, compiled once; returns its errors for a parsed file. */
const validateCompose = (() => {
  const schemaFile = path.join(path.dirname(createRequire(import.meta.url).resolve("dclint/package.json")), "schemas/compose.schema.json");
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaFile, "utf8"));
  const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
  return (document: unknown) => (validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`));
})();

describe("docker-compose.yml", () => {
  it("is valid against the Compose specification's JSON schema", () => {
    expect(validateCompose(compose)).toEqual([]);
  });

  it("would be refused by that schema if it were wrong (the check can fail)", () => {
    const broken = parse(text, { merge: true }) as { services: Record<string, any> };
    broken.services.worker.depends_on.postgres.condition = "healthy";
    broken.services.dashboard.healthcheck.intervall = "10s";
    const errors = validateCompose(broken);
    expect(errors).toContain("/services/worker/depends_on/postgres/condition must be equal to one of the allowed values");
    expect(errors).toContain("/services/dashboard/healthcheck must NOT have additional properties");
  });

  it("has postgres, redis, a one-shot migration, two gateway replicas behind a load balancer, the dashboard and the worker", () => {
    expect(Object.keys(services).sort()).toEqual(["dashboard", "gateway", "gateway-1", "gateway-2", "migrate", "postgres", "redis", "worker"]);
    for (const name of ["gateway-1", "gateway-2"]) {
      expect(services[name].command).toEqual(["node", "--import", "tsx", "apps/gateway/src/main.ts"]);
      expect(services[name].environment).toMatchObject({ REDIS_URL: "redis://redis:6379", GATEWAY_HOST: "0.0.0.0", GATEWAY_PORT: "8081" });
      expect(services[name].ports).toBeUndefined();
    }
    // The load balancer is the one published MCP port, and sends to both replicas.
    expect(services.gateway.ports).toEqual(["8081:8081"]);
    const lb = services.gateway.command.join("\n");
    expect(lb).toContain("server gateway-1:8081");
    expect(lb).toContain("server gateway-2:8081");
    expect(lb).toContain("proxy_set_header X-Forwarded-For $$proxy_add_x_forwarded_for;");
    expect(services.migrate.restart).toBe("no");
    expect(services.worker.command).toEqual(["node", "--import", "tsx", "apps/worker/src/main.ts"]);
  });

  it("gives every long-running service a health check and starts each after what it needs is healthy", () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === "migrate") continue;
      expect(service.healthcheck?.test, `${name} health check`).toBeDefined();
    }
    const needs = (name: string) => services[name].depends_on as Record<string, { condition: string }>;
    for (const name of ["gateway-1", "gateway-2", "worker", "dashboard"]) {
      expect(needs(name).postgres, name).toEqual({ condition: "service_healthy" });
      expect(needs(name).redis, name).toEqual({ condition: "service_healthy" });
      expect(needs(name).migrate, name).toEqual({ condition: "service_completed_successfully" });
    }
    expect(needs("migrate")).toEqual({ postgres: { condition: "service_healthy" } });
    expect(needs("gateway")).toEqual({ "gateway-1": { condition: "service_healthy" }, "gateway-2": { condition: "service_healthy" } });
    expect(services.worker.healthcheck.test.join(" ")).toContain("9464/healthz");
    expect(services.worker.environment.WORKER_METRICS_PORT).toBe("9464");
  });

  it("takes TENGINE_MASTER_KEY and NEXTAUTH_SECRET from .env, refusing to start without them", () => {
    for (const name of ["gateway-1", "gateway-2", "dashboard", "worker"]) {
      expect(String(services[name].environment.TENGINE_MASTER_KEY), name).toBe("${TENGINE_MASTER_KEY:?set TENGINE_MASTER_KEY in .env (see .env.example)}");
    }
    expect(services.dashboard.environment.NEXTAUTH_SECRET).toBe("${NEXTAUTH_SECRET:?set NEXTAUTH_SECRET in .env (see .env.example)}");
    // Exactly these two are required; everything else has a default.
    const required = [...text.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(["TENGINE_MASTER_KEY", "NEXTAUTH_SECRET"]));
  });

  it("sets the dashboard's NEXTAUTH_URL, and trusts X-Forwarded-For only where nginx is in front", () => {
    expect(services.dashboard.environment.NEXTAUTH_URL).toBe("${PUBLIC_DASHBOARD_URL:-http://localhost:3000}");
    expect(services.dashboard.environment.PUBLIC_DASHBOARD_URL).toBe(services.dashboard.environment.NEXTAUTH_URL);
    for (const name of ["gateway-1", "gateway-2"]) expect(services[name].environment.TRUST_PROXY, name).toBe("true");
    // The dashboard's port is published directly: a client could forge the header.
    expect(services.dashboard.environment.TRUST_PROXY).toBe("${DASHBOARD_TRUST_PROXY:-false}");
  });

  it("keeps the SSRF guard on: no service lifts it, private upstreams only through UPSTREAM_ALLOWLIST", () => {
    expect(text).not.toContain("ALLOW_PRIVATE_UPSTREAMS");
    for (const name of ["gateway-1", "gateway-2", "dashboard", "worker"]) {
      expect(services[name].environment.UPSTREAM_ALLOWLIST, name).toBe("${UPSTREAM_ALLOWLIST:-}");
    }
  });

  it("documents every variable it reads in .env.example, with the required secrets left empty", () => {
    const example = readFileSync(path.join(ROOT, ".env.example"), "utf8");
    const read = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}/g)].map((m) => m[1]!));
    for (const name of read) expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, "m"));
    expect(example).toMatch(/^TENGINE_MASTER_KEY=$/m);
    expect(example).toMatch(/^NEXTAUTH_SECRET=$/m);
    expect(example).toContain("randomBytes(32).toString('base64url')");
  });

  it("requires NEXTAUTH_SECRET for the dashboard instead of starting without one", () => {
    expect(String(services.dashboard.environment.NEXTAUTH_SECRET)).toMatch(/^\$\{NEXTAUTH_SECRET:\?/);
  });
});

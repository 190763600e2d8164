import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

// docker-compose.yml is the production topology users start with `docker compose up`
// (DESIGN §2). Its structure is checked here on every machine; where a Compose binary exists
// (`docker compose` or `docker-compose`), Compose itself must also accept the file.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FILE = path.join(ROOT, "docker-compose.yml");
const compose = parse(readFileSync(FILE, "utf8"), { merge: true }) as { services: Record<string, any> };
const services = compose.services;

function composeBinary(): string[] | undefined {
  for (const candidate of [["docker", "compose"], ["docker-compose"]]) {
    const probe = spawnSync(candidate[0]!, [...candidate.slice(1), "version"], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

describe("docker-compose.yml", () => {
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

  it("requires TENGINE_MASTER_KEY instead of starting without one", () => {
    for (const name of ["gateway-1", "gateway-2", "dashboard", "worker"]) {
      expect(String(services[name].environment.TENGINE_MASTER_KEY)).toMatch(/^\$\{TENGINE_MASTER_KEY:\?/);
    }
  });

  it("requires NEXTAUTH_SECRET for the dashboard instead of starting without one", () => {
    expect(String(services.dashboard.environment.NEXTAUTH_SECRET)).toMatch(/^\$\{NEXTAUTH_SECRET:\?/);
  });

  it("is accepted by Compose itself where a Compose binary is installed", () => {
    const binary = composeBinary();
    // No binary on this machine: the structural checks above are what can be verified.
    if (!binary) return;
    const out = spawnSync(binary[0]!, [...binary.slice(1), "-f", FILE, "config", "-q"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TENGINE_MASTER_KEY: "test-key-for-config-only", NEXTAUTH_SECRET: "test-secret-for-config-only" } });
    expect(out.stderr).not.toMatch(/error/i);
    expect(out.status, out.stderr).toBe(0);
    // And the merged file really has two gateway replicas with the shared settings.
    const merged = parse(execFileSync(binary[0]!, [...binary.slice(1), "-f", FILE, "config"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TENGINE_MASTER_KEY: "test-key-for-config-only", NEXTAUTH_SECRET: "test-secret-for-config-only" } })) as { services: Record<string, any> };
    expect(merged.services["gateway-2"].environment.REDIS_URL).toBe("redis://redis:6379");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, startUpstream, startWorld } from "./harness.ts";

// vitest.config.ts lifts the guard for every other test (their upstreams listen on loopback);
// this world runs with it ON, as production does, and calls through the real tool-call path.
type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;

const port = () => new URL(upstream.url).port;
const TARGETS: Array<{ name: string; url: () => string; reason: RegExp }> = [
  { name: "loopback_v4", url: () => `http://127.0.0.1:${port()}/x`, reason: /address 127\.0\.0\.1 is loopback/ },
  { name: "loopback_v6", url: () => `http://[::1]:${port()}/x`, reason: /address ::1 is loopback/ },
  { name: "localhost_name", url: () => `http://localhost:${port()}/x`, reason: /is loopback/ },
  { name: "private_10", url: () => `http://10.1.2.3:${port()}/x`, reason: /address 10\.1\.2\.3 is private/ },
  { name: "private_192", url: () => `http://192.168.1.10:${port()}/x`, reason: /address 192\.168\.1\.10 is private/ },
  { name: "link_local", url: () => `http://169.254.10.20:${port()}/x`, reason: /address 169\.254\.10\.20 is link-local/ },
  { name: "metadata", url: () => "http://169.254.169.254/latest/meta-data/", reason: /address 169\.254\.169\.254 is link-local \(cloud metadata\)/ },
  { name: "v4_mapped_loopback", url: () => `http://[::ffff:127.0.0.1]:${port()}/x`, reason: /loopback/ },
];

beforeAll(async () => {
  world = await startWorld("ssrfon", { allowPrivateUpstreams: false });
  upstream = await startUpstream();
  p = await world.createProjectWithKey("SSRF guard on", { allowHttp: true });
  for (const target of TARGETS) {
    await world.addTool(p.project.id, { name: target.name, description: `calls ${target.name}`, inputSchema: { type: "object" }, method: "GET", url: target.url() });
  }
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

describe("SSRF guard on, through tools/call", () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))("refuses %s and nothing reaches the listening loopback upstream", async (_name, target) => {
    const client = await connectClient(p.mcpUrl, p.key);
    const result: any = await client.callTool({ name: target.name, arguments: {} });
    await client.close();
    expect(result.isError).toBe(true);
    const text = result.content.map((c: any) => c.text).join("\n");
    expect(text).toMatch(target.reason);
    expect(upstream.requests).toHaveLength(0);
    const run = await world.db.run.findFirstOrThrow({ where: { projectId: p.project.id, toolName: target.name } });
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(target.reason);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayProcess } from "./gateway-process.ts";
import { startUpstream, startWorld } from "./harness.ts";

/**
 * No acknowledged call loses its run (DESIGN §10, §14), with runs written in groups: a gateway
 * process is SIGKILLed while 24 clients keep writing through it. Afterwards every reply a
 * client received has its run (succeeded, idempotency key completed), and every run that says
 * it succeeded matches a request the upstream received. Calls cut off by the kill may have
 * reached the upstream without a run — their callers got no answer and retry with the same
 * key — but nothing that was answered is missing.
 */
type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;

const CLIENTS = 24;
const ACKED_BEFORE_KILL = 150;

beforeAll(async () => {
  world = await startWorld("crash");
  upstream = await startUpstream();
}, 60_000);
afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

describe("a gateway process killed under load", () => {
  it("every call it answered has its run; every succeeded run reached the upstream", { timeout: 120_000 }, async () => {
    const p = await world.createProjectWithKey("Crash");
    await world.addTool(p.project.id, {
      name: "create_note",
      description: "Creates a note",
      inputSchema: { type: "object", properties: { n: { type: "string" } }, required: ["n"] },
      method: "POST",
      url: `${upstream.url}/notes`,
      body: { n: "{{input.n}}" },
      auth: { type: "hmac" },
    });
    const gateway = await startGatewayProcess(world.config);
    const url = gateway.mcpUrl(p.project.slug);

    const acked: Array<{ runId: string; n: string }> = [];
    const cutOff: string[] = [];
    let killed: Promise<unknown> | undefined;
    let seq = 0;
    const client = async (c: number) => {
      for (;;) {
        const n = `c${c}-${++seq}`;
        let res: Response;
        try {
          res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${p.key}` },
            body: JSON.stringify({ jsonrpc: "2.0", id: seq, method: "tools/call", params: { name: "create_note", arguments: { n } } }),
          });
          const body = (await res.json()) as { result?: { isError?: boolean; _meta?: Record<string, unknown> } };
          if (res.status !== 200 || !body.result || body.result.isError) throw new Error(`call ${n}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
          acked.push({ runId: String(body.result._meta?.["tengine/runId"]), n });
        } catch (error) {
          // Only the kill may end a client: anything else is a failure of the test itself.
          if (!killed) throw error;
          cutOff.push(n);
          return;
        }
        if (!killed && acked.length >= ACKED_BEFORE_KILL) killed = gateway.kill();
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    try {
      await Promise.all(clients);
    } finally {
      await gateway.kill();
    }
    expect((await killed) as { signal: string }).toMatchObject({ signal: "SIGKILL" });
    // The kill happened under load: calls were in flight and got no answer.
    expect(cutOff.length).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);

    const runs = await world.db.run.findMany({ where: { projectId: p.project.id }, select: { id: true, status: true, arguments: true } });
    const runById = new Map(runs.map((r) => [r.id, r]));
    const missing = acked.filter((a) => runById.get(a.runId)?.status !== "succeeded");
    expect(missing, `answered calls without a succeeded run: ${missing.length} of ${acked.length}`).toEqual([]);
    for (const a of acked) expect(runById.get(a.runId)!.arguments).toEqual({ n: a.n });
    const records = await world.db.idempotencyRecord.findMany({ where: { projectId: p.project.id, runId: { in: acked.map((a) => a.runId) } }, select: { state: true } });
    expect(records).toHaveLength(acked.length);
    expect(records.every((r) => r.state === "completed")).toBe(true);

    // Runs against upstream requests: each succeeded run is one request the upstream got.
    const sentRunIds = new Set(upstream.requests.map((r) => String(r.headers["x-tengine-run-id"])));
    const succeeded = runs.filter((r) => r.status === "succeeded");
    expect(succeeded.filter((r) => !sentRunIds.has(r.id))).toEqual([]);
    expect(succeeded.length).toBeLessThanOrEqual(upstream.requests.length);
    expect(upstream.requests.length).toBeGreaterThanOrEqual(acked.length);
  });
});

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemberSessionError, mintMemberSession } from "./mint-member-session.ts";

let server: http.Server;
let url: string;
const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let answer: { status: number; body: string } = { status: 201, body: "{}" };

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("mintMemberSession", () => {
  it("posts the assertion with the API key and returns the session", async () => {
    answer = { status: 201, body: JSON.stringify({ token: "tng_mst_abc", expires_at: "2030-01-01T00:15:00.000Z", member_id: "user_1", toolsets: ["linear"] }) };
    const session = await mintMemberSession({ gatewayUrl: `${url}/`, apiKey: "tengine_key", assertion: "a.b.c" });
    expect(session).toEqual({ token: "tng_mst_abc", expiresAt: new Date("2030-01-01T00:15:00.000Z"), memberId: "user_1", toolsets: ["linear"] });
    const req = seen.at(-1)!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/v1/member-sessions");
    expect(req.headers.authorization).toBe("Bearer tengine_key");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({ member_assertion: "a.b.c" });
  });

  it("throws the gateway's reason on a refusal", async () => {
    answer = { status: 401, body: JSON.stringify({ error: "invalid_member_assertion", reason: "jti_replayed", message: "assertion jti already used", requestId: "r1" }) };
    const error = await mintMemberSession({ gatewayUrl: url, apiKey: "tengine_key", assertion: "a.b.c" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemberSessionError);
    expect(error).toMatchObject({ status: 401, code: "invalid_member_assertion", reason: "jti_replayed", requestId: "r1", message: "Tengine refused the member session (401 invalid_member_assertion): assertion jti already used" });
  });

  it("handles a non-JSON error and an unexpected success body", async () => {
    answer = { status: 502, body: "Bad gateway" };
    await expect(mintMemberSession({ gatewayUrl: url, apiKey: "k", assertion: "a" })).rejects.toMatchObject({ status: 502, code: "http_502", message: expect.stringMatching(/Bad gateway/) });
    answer = { status: 201, body: "{}" };
    await expect(mintMemberSession({ gatewayUrl: url, apiKey: "k", assertion: "a" })).rejects.toMatchObject({ code: "invalid_response" });
  });

  it("uses the fetch it is given", async () => {
    const calls: string[] = [];
    const fake: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(JSON.stringify({ token: "tng_mst_x", expires_at: "2030-01-01T00:00:00Z", member_id: "m" }), { status: 201 });
    };
    await expect(mintMemberSession({ gatewayUrl: "https://gw.example.com", apiKey: "k", assertion: "a", fetch: fake })).resolves.toMatchObject({ memberId: "m" });
    expect(calls).toEqual(["https://gw.example.com/v1/member-sessions"]);
  });
});

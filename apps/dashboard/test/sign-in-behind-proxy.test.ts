import { SIGN_IN_LIMITS } from "@tengine/core";
import { afterAll, expect, it } from "vitest";
import { dashboardUnderTest } from "./support/dashboard-under-test.ts";

/*
 * The dashboard behind one trusted reverse proxy (TRUST_PROXY=true): the per-address sign-in
 * limit keys on the hop the proxy appended, so whatever a client puts in front of it in
 * X-Forwarded-For does not give it a fresh allowance.
 */

const dash = await dashboardUnderTest("dashboard_behind_proxy");
process.env.TRUST_PROXY = "true";
const { authOptions } = await import("../src/server/auth.ts");
afterAll(() => dash.drop());

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = () => (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

it("limits one client address across many emails however the client rotates its own X-Forwarded-For entries", async () => {
  for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
    await expect(authorize()({ email: `spray${i}@acme.test`, password: "guess" }, { headers: { "x-forwarded-for": `192.0.2.${i}, 10.9.9.9` } })).rejects.toThrow("Wrong email or password.");
  }
  await expect(authorize()({ email: "spray-next@acme.test", password: "guess" }, { headers: { "x-forwarded-for": "192.0.2.250, 10.9.9.9" } })).rejects.toThrow("Too many failed attempts");
  expect(await dash.db.signInAttempt.count({ where: { ip: "10.9.9.9" } })).toBe(SIGN_IN_LIMITS.perIp + 1);
  // another client behind the same proxy is not affected
  await expect(authorize()({ email: "spray-next@acme.test", password: "guess" }, { headers: { "x-forwarded-for": "10.9.9.10" } })).rejects.toThrow("Wrong email or password.");
});

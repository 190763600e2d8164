import { randomBytes } from "node:crypto";
import { createTestDatabase } from "@tengine/db/testing";
import { encode } from "next-auth/jwt";
import { requestCookies } from "./next-runtime/headers.ts";

/** The cookie next-auth sets on an http:// dashboard (session.ts reads the same name). */
export const SESSION_COOKIE = "next-auth.session-token";

/**
 * The dashboard's server code on a fresh database schema of its own: configuration set as the
 * dashboard process would get it (call before importing any dashboard module, which parse it
 * once), and sessions as real next-auth cookies signed with this dashboard's NEXTAUTH_SECRET.
 */
export async function dashboardUnderTest(label: string) {
  const database = await createTestDatabase(label);
  const secret = randomBytes(32).toString("base64url");
  Object.assign(process.env, {
    DATABASE_URL: database.target.url,
    DATABASE_SCHEMA: database.target.schema,
    NEXTAUTH_SECRET: secret,
    TENGINE_MASTER_KEY: randomBytes(32).toString("base64url"),
    PUBLIC_DASHBOARD_URL: "http://localhost:3000",
  });
  delete process.env.REDIS_URL;
  delete process.env.EMBEDDED_DATABASE;

  /** A session cookie for `userId`, signed with `signingSecret` (this dashboard's by default). */
  async function sessionCookie(userId: string, signingSecret = secret): Promise<string> {
    return encode({ token: { uid: userId, sub: userId }, secret: signingSecret, maxAge: 60 * 60 });
  }

  return {
    db: database.db,
    target: database.target,
    secret,
    sessionCookie,
    /** The next calls come from a browser signed in as `userId`. */
    async signInAs(userId: string, signingSecret?: string): Promise<void> {
      requestCookies.clear();
      requestCookies.set(SESSION_COOKIE, await sessionCookie(userId, signingSecret));
    },
    /** The next calls come from a browser without a session. */
    signOut(): void {
      requestCookies.clear();
    },
    drop: () => database.drop(),
  };
}

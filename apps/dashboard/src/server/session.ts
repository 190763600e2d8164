import "server-only";
import { getToken } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "./db.ts";
import { dashboardConfig } from "./env.ts";

export type SessionUser = { id: string; email: string; name: string | null; /** a temporary password from an admin: the dashboard asks for a new one first */ mustChangePassword: boolean };

/** Session cookies get the `__Secure-` name on an https dashboard (next-auth's own rule). */
export function secureSessionCookie(): boolean {
  return dashboardConfig().dashboardUrl.startsWith("https://");
}

/**
 * The signed-in user: the session cookie's signature and expiry checked with NEXTAUTH_SECRET,
 * then the user looked up in the database (a deleted user is signed out). Only the cookie
 * counts: getToken would also take an `Authorization: Bearer` header, which is not passed.
 * Once per request (React's cache): the app layout, the project layout and the page all ask.
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const token = await getToken({
    req: { cookies: await cookies(), headers: {} } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: dashboardConfig().nextAuthSecret,
    secureCookie: secureSessionCookie(),
  });
  const id = typeof token?.uid === "string" ? token.uid : undefined;
  if (!id) return null;
  return getDb().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, mustChangePassword: true } });
});

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

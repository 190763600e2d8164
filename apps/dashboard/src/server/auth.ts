import "server-only";
import { createHash } from "node:crypto";
import { authenticateUser, newId } from "@tengine/core";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "./db.ts";
import { dashboardConfig } from "./env.ts";

let cached: NextAuthOptions | undefined;

/**
 * next-auth configuration: email + password (scrypt hashes, sign-in rate limited in the
 * database) and, when OIDC_* is set, one OpenID Connect provider. Sessions are signed JWT
 * cookies carrying only the user id; roles are read from the database on every request, so
 * a role change or removal applies at once.
 */
export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = dashboardConfig();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const forwarded = (req.headers?.["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim();
        const result = await authenticateUser(getDb(), credentials.email, credentials.password, forwarded);
        if (!result.ok) throw new Error(result.reason === "rate_limited" ? "Too many failed attempts. Try again in 15 minutes." : "Wrong email or password.");
        return { id: result.user.id, email: result.user.email, name: result.user.name };
      },
    }),
  ];
  if (config.oidc) {
    providers.push({
      id: "oidc",
      name: config.oidc.name,
      type: "oauth",
      wellKnown: `${config.oidc.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile: (profile: { sub: string; email: string; name?: string }) => ({ id: profile.sub, email: profile.email, name: profile.name ?? null }),
    });
  }
  cached = {
    providers,
    // Without NEXTAUTH_SECRET (development without npm start) a per-database secret keeps
    // sessions valid across restarts; npm start and production set it explicitly.
    secret: config.nextAuthSecret ?? createHash("sha256").update(`tengine-dev:${config.databaseUrl}`).digest("hex"),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login" },
    callbacks: {
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc") {
          // OIDC users are matched by verified email; a first sign-in creates the user.
          const email = (user.email ?? "").toLowerCase();
          const db = getDb();
          const row = (await db.user.findUnique({ where: { email } })) ?? (await db.user.create({ data: { id: newId("user"), email, name: user.name ?? null } }));
          token.uid = row.id;
        } else if (user) {
          token.uid = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.uid as string } };
      },
    },
  };
  return cached;
}

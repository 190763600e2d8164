import "server-only";
import { authenticateUser, resolveOidcUser } from "@tengine/core";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { clientAddress } from "./client-address.ts";
import { getDb, getSecretBox } from "./db.ts";
import { secureSessionCookie } from "./session.ts";
import { dashboardConfig } from "./env.ts";
import { TWO_FACTOR_REQUIRED } from "@/components/account/two-factor-required.ts";
import { OIDC_ERROR_PREFIX } from "./sign-in-errors.ts";

let cached: NextAuthOptions | undefined;

/** What the sign-in form hears for each refusal (TWO_FACTOR_REQUIRED makes it ask for the code). */
const SIGN_IN_REFUSALS = {
  invalid: "Wrong email or password.",
  rate_limited: "Too many failed attempts. Try again in 15 minutes.",
  code_required: TWO_FACTOR_REQUIRED,
  invalid_code: "That code is not right. Enter the code your authenticator app shows now, or a recovery code.",
} as const;

/**
 * next-auth configuration: email + password (scrypt hashes, sign-in rate limited in the
 * database) and, when OIDC_* is set, one OpenID Connect provider. Sessions are JWT cookies
 * signed with NEXTAUTH_SECRET (required at boot, never derived) carrying only the user id;
 * roles are read from the database on every request, so a role change or removal applies at once.
 */
export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = dashboardConfig();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" }, code: { label: "Authentication code", type: "text" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const ip = clientAddress(req.headers?.["x-forwarded-for"] as string | string[] | undefined, config.trustProxy);
        const secondFactor = { secretBox: getSecretBox(), ...(credentials.code ? { code: credentials.code } : {}) };
        const result = await authenticateUser(getDb(), credentials.email, credentials.password, { ...(ip ? { ip } : {}), secondFactor });
        if (!result.ok) throw new Error(SIGN_IN_REFUSALS[result.reason]);
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
      profile: (profile: { sub: string; email?: string; name?: string }) => ({ id: profile.sub, email: profile.email ?? null, name: profile.name ?? null }),
    });
  }
  cached = {
    providers,
    secret: config.nextAuthSecret,
    // the same cookie name session.ts reads, whatever NEXTAUTH_URL says
    useSecureCookies: secureSessionCookie(),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc") return true;
        // core's one rule: an account is picked by email only when the provider verified it.
        const result = await resolveOidcUser(getDb(), (profile ?? {}) as Record<string, unknown>);
        if (!result.ok) return `/login?error=${OIDC_ERROR_PREFIX}${result.reason}`;
        // Without a database adapter next-auth hands this same object to the jwt callback;
        // should that ever change, the token would carry the provider's subject, which is no
        // user id here, and the session would simply not sign anyone in.
        user.id = result.user.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      async session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.uid as string } };
      },
    },
  };
  return cached;
}

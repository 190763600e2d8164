import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The monorepo root: internal packages live outside this app's folder.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const config: NextConfig = {
  // Internal packages ship TypeScript source with `.ts` import specifiers; Next compiles them
  // like app code (Turbopack resolves explicit `.ts` specifiers as they are).
  transpilePackages: ["@tengine/db", "@tengine/core", "@tengine/queue"],
  // Database drivers and PGlite are loaded by Node at runtime rather than bundled: PGlite
  // finds its .wasm and data files next to its own modules. (`@prisma/client` and `pg` are on
  // Next's default list too; listed here to say so.)
  serverExternalPackages: [
    "pg",
    "@prisma/client",
    "@prisma/adapter-pg",
    "@prisma/driver-adapter-utils",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    // BullMQ reads its Lua scripts from its own folder at runtime
    "bullmq",
  ],
  outputFileTracingRoot: repoRoot,
  turbopack: {
    root: repoRoot,
  },
  // OpenAPI documents are uploaded or pasted through a server action (up to 20 MB of text,
  // more once escaped); Next's default action body limit is 1 MB.
  experimental: { serverActions: { bodySizeLimit: "32mb" } },
  // Overridable so parallel test runs on one machine do not share a build directory.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // No dashboard page may be framed by another site: a framed Approve, Revoke or consent
  // button is clickjacking. Every route gets both headers (X-Frame-Options for browsers
  // without CSP frame-ancestors). The OAuth consent page and its form target are also never
  // cached; the consent route handler sets the same headers itself.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
        ],
      },
      {
        source: "/oauth/:path*",
        headers: [
          { key: "Cache-Control", value: "no-store" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
  reactStrictMode: true,
};

export default config;

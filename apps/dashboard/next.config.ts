import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The monorepo root: internal packages live outside this app's folder.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const config: NextConfig = {
  // Internal packages ship TypeScript source with `.ts` import specifiers; Next compiles them
  // like app code (Turbopack resolves explicit `.ts` specifiers as they are).
  transpilePackages: ["@tengine/db", "@tengine/core"],
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
  ],
  outputFileTracingRoot: repoRoot,
  turbopack: {
    root: repoRoot,
    ignoreIssue: [
      // @tengine/db points at repository folders with `new URL("../../../../prisma/migrations",
      // import.meta.url)` and `…/.data`. Turbopack takes those for asset imports and fails to
      // "resolve" a directory; with the issue ignored it keeps the expression, and
      // `import.meta.url` still evaluates to the source file's real path at runtime, so the
      // URLs stay correct. (The dashboard never migrates or starts PGlite itself.)
      { path: /packages\/db\/src\/(migrate\/read-migrations|embedded\/resolve-database)\.ts$/, title: /Module not found/ },
    ],
  },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;

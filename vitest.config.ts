import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";

const dashboard = fileURLToPath(new URL("./apps/dashboard/", import.meta.url));
const nextRuntime = `${dashboard}test/support/next-runtime/`;
const dashboardShims: Record<string, string> = {
  "server-only": `${nextRuntime}server-only.ts`,
  "next/headers": `${nextRuntime}headers.ts`,
  "next/cache": `${nextRuntime}cache.ts`,
};

/**
 * Lets dashboard server actions run in vitest against the real database: for modules of
 * apps/dashboard only, the `@/` path alias, and the three Next.js request-runtime modules that
 * exist only inside a Next server (see apps/dashboard/test/support/next-runtime).
 */
function dashboardModules(): Plugin {
  return {
    name: "dashboard-modules",
    enforce: "pre",
    resolveId(source, importer) {
      if (!importer?.startsWith(dashboard)) return null;
      if (source in dashboardShims) return dashboardShims[source];
      if (source.startsWith("@/")) return `${dashboard}src/${source.slice(2)}`;
      return null;
    },
  };
}

// Unit and integration tests of every workspace. Integration tests use the machine's real
// Postgres (a schema per test file, see @tengine/db/testing) and real HTTP upstreams.
export default defineConfig({
  plugins: [dashboardModules()],
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "apps/*/test/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { ALLOW_PRIVATE_UPSTREAMS: "true" },
  },
});

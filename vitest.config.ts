import { defineConfig } from "vitest/config";

// Unit and integration tests of every workspace. Integration tests use the machine's real
// Postgres (a schema per test file, see @tengine/db/testing) and real HTTP upstreams.
export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "apps/*/test/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { ALLOW_PRIVATE_UPSTREAMS: "true" },
  },
});

import type { NextConfig } from "next";

const config: NextConfig = {
  // Internal packages ship TypeScript source with `.ts` import specifiers; Next compiles them
  // like app code instead of expecting prebuilt JavaScript.
  transpilePackages: ["@tengine/db", "@tengine/core"],
  // Drivers, wasm engines and native-ish modules are loaded by Node at runtime instead of being
  // bundled: PGlite and the schema engine locate their .wasm files relative to their own modules.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@prisma/driver-adapter-utils",
    "@prisma/schema-engine-wasm",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;

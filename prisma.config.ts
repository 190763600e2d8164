// Prisma CLI configuration (Prisma 7). The CLI is only used for `generate` here; migrations are
// applied by packages/db's own runner (see docs/database.md).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});

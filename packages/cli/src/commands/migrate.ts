import { defineCommand } from "../framework/define.ts";
import { print } from "../output.ts";

export const migrateCommand = defineCommand({
  name: "migrate",
  summary: "apply database migrations",
  details: "Applies the migrations this checkout has and the database lacks. The embedded database is migrated by every command; a DATABASE_URL only by this one.",
  examples: ["tengine migrate"],
  json: '{ status: "up to date", applied: string[] } (the migrations applied now)',
  migrate: true,
  async run(ctx, { json }) {
    print(json, { status: "up to date", applied: ctx.applied });
  },
});

// The project settings of the call path are one column list in packages/db, shared by the
// prepared hot-path queries and Prisma reads.
export { type ProjectConfig, projectConfigFromRow, projectConfigSelect } from "@tengine/db";

import { listAudit } from "../../audit/record-audit.ts";
import { AppError } from "../../errors/app-error.ts";
import { listMembers } from "../../members/list-members.ts";
import type { PlatformHandler } from "../platform-call.ts";

/** `tengine.platform/members` (organization endpoint): who is in the organization, with their roles. */
export const membersFamily: PlatformHandler = async ({ db, org, args }) => {
  if (args.action === "list") return { data: { members: await listMembers(db, org.id) } };
  throw new AppError("bad_request", `unknown action ${args.action}`);
};

/** `tengine.platform/audit` (organization endpoint): the audit log, newest first, keyset-paginated. */
export const auditFamily: PlatformHandler = async ({ db, org, args }) => {
  if (args.action !== "list") throw new AppError("bad_request", `unknown action ${args.action}`);
  const { cursor, limit } = args.filters ?? {};
  if (cursor !== undefined && typeof cursor !== "string") throw new AppError("bad_request", "filters.cursor must be an audit entry id (aud_…)");
  if (limit !== undefined && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 200)) throw new AppError("bad_request", "filters.limit must be a whole number from 1 to 200");
  return { data: { ...(await listAudit(db, org.id, { ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) })) } };
};

import { AppError } from "../../errors/app-error.ts";
import type { PlatformCall } from "../platform-call.ts";

/** `id`, which this action needs: a clear error naming what it is when missing. */
export function requireId(call: PlatformCall, what: string): string {
  if (!call.args.id) throw new AppError("bad_request", `action ${call.args.action} needs id: ${what}`);
  return call.args.id;
}

/** `data`, which this action needs. */
export function requireData(call: PlatformCall): Record<string, unknown> {
  if (!call.args.data) throw new AppError("bad_request", `action ${call.args.action}${call.args.subresource ? ` of ${call.args.subresource}` : ""} needs data: the fields to set`);
  return call.args.data;
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { type MintMemberSessionDeps, mintMemberSession } from "@tengine/core";
import { z } from "zod";
import { type AuthDeps, authenticate } from "./authenticate.ts";
import { BodyTooLargeError, readBody } from "./read-body.ts";
import { sendError, sendJson } from "./respond.ts";

/** An assertion is a few hundred bytes; 16 KiB leaves room and caps what is buffered. */
const MAX_BODY_BYTES = 16 * 1024;

const mintBody = z.object({
  member_assertion: z.string({ error: "member_assertion is required: the JWT your backend signed for the member" }).min(1, "member_assertion must not be empty").max(8192, "member_assertion is longer than 8192 characters"),
});

export type MemberSessionsDeps = { auth: AuthDeps; mint: MintMemberSessionDeps };

/** Tokens and reasons about credentials are never cached by anything in between. */
const NO_STORE = { "cache-control": "no-store" };

/**
 * `POST /v1/member-sessions` (DESIGN §11): the customer's backend presents a project API key
 * and `{ "member_assertion": "<JWT>" }` and gets `201 { token, expires_at, member_id, toolsets }`.
 * 400 for a bad body, 401 `invalid_token` for a bad API key, 401 `invalid_member_assertion`
 * with the reason for a refused assertion, 403 when called with a session token.
 */
export async function handleMintMemberSession(deps: MemberSessionsDeps, req: IncomingMessage, res: ServerResponse, requestId: string) {
  const auth = await authenticate(deps.auth, req.headers.authorization, undefined);
  if (!auth.ok) {
    const challenge = auth.error ? `Bearer error="${auth.error}", error_description="${auth.description.replace(/["\\]/g, "")}"` : 'Bearer realm="tengine"';
    return sendError(res, 401, auth.error ?? "unauthorized", `Unauthorized: ${auth.description} (send the project API key as 'Authorization: Bearer tengine_…')`, requestId, { ...NO_STORE, "www-authenticate": challenge });
  }
  if (auth.principal.kind !== "api_key") {
    return sendError(res, 403, "forbidden", "member sessions are minted with a project API key (tengine_…), not with a session token", requestId, NO_STORE);
  }
  if (!String(req.headers["content-type"] ?? "").includes("application/json")) {
    return sendError(res, 415, "unsupported_media_type", "Content-Type must be application/json", requestId, NO_STORE);
  }

  let raw: unknown;
  try {
    raw = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString("utf8"));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendError(res, 413, "payload_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`, requestId, NO_STORE);
    return sendError(res, 400, "invalid_request", "body is not valid JSON: send { \"member_assertion\": \"<JWT>\" }", requestId, NO_STORE);
  }
  const body = mintBody.safeParse(raw);
  if (!body.success) {
    const issue = body.error.issues[0]!;
    const message = issue.code === "invalid_type" && issue.path.length === 0 ? "body must be a JSON object: { \"member_assertion\": \"<JWT>\" }" : issue.message;
    return sendError(res, 400, "invalid_request", message, requestId, NO_STORE);
  }

  const result = await mintMemberSession(deps.mint, auth.principal, body.data.member_assertion);
  if (!result.ok) {
    return sendJson(res, 401, { error: "invalid_member_assertion", reason: result.reason, message: result.message, requestId }, NO_STORE);
  }
  const { session } = result;
  sendJson(res, 201, { token: session.token, expires_at: session.expiresAt.toISOString(), member_id: session.memberId, toolsets: session.toolsets }, NO_STORE);
}

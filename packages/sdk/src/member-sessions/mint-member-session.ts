/** A member session: hand `token` to the MCP client as its bearer credential. */
export type MemberSession = {
  /** `tng_mst_…`: the bearer token for the project's MCP endpoint */
  token: string;
  /** 15 minutes after minting: mint a new session before then */
  expiresAt: Date;
  memberId: string;
  /** the MCP servers (toolsets) the session asks for, as of minting */
  toolsets: string[];
};

export type MintMemberSessionOptions = {
  /** the gateway URL, e.g. `https://mcp.example.com` */
  gatewayUrl: string;
  /** the project's API key (`tengine_…`): keep it on your server */
  apiKey: string;
  /** a member assertion from {@link createMemberAssertion} */
  assertion: string;
  /** a Fetch implementation (default: the global `fetch`) */
  fetch?: typeof fetch;
  /** aborts the request, e.g. `AbortSignal.timeout(5000)` */
  signal?: AbortSignal;
};

/**
 * The gateway refused to mint a session. `code` is the error code of its answer
 * (`invalid_member_assertion`, `invalid_token`, `invalid_request`…), `reason` the specific
 * assertion failure (`expired`, `jti_replayed`, `wrong_audience`, `bad_signature`…) and
 * `message` says what to fix.
 */
export class MemberSessionError extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason?: string;
  readonly requestId?: string;

  constructor(status: number, code: string, message: string, reason?: string, requestId?: string) {
    super(message);
    this.name = "MemberSessionError";
    this.status = status;
    this.code = code;
    if (reason !== undefined) this.reason = reason;
    if (requestId !== undefined) this.requestId = requestId;
  }
}

/**
 * Exchanges a member assertion for a member session token: `POST {gatewayUrl}/v1/member-sessions`
 * with the project API key. Throws a {@link MemberSessionError} carrying the gateway's reason
 * when it refuses (4xx/5xx).
 */
export async function mintMemberSession(options: MintMemberSessionOptions): Promise<MemberSession> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = `${options.gatewayUrl.replace(/\/+$/, "")}/v1/member-sessions`;
  const res = await doFetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ member_assertion: options.assertion }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await res.text();
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const code = typeof body?.error === "string" ? body.error : `http_${res.status}`;
    const detail = typeof body?.message === "string" ? body.message : text.slice(0, 200) || res.statusText;
    const reason = typeof body?.reason === "string" ? body.reason : undefined;
    const requestId = typeof body?.requestId === "string" ? body.requestId : undefined;
    throw new MemberSessionError(res.status, code, `Tengine refused the member session (${res.status} ${code}): ${detail}`, reason, requestId);
  }
  const token = body?.token;
  const expiresAt = typeof body?.expires_at === "string" ? new Date(body.expires_at) : undefined;
  const memberId = body?.member_id;
  if (typeof token !== "string" || !expiresAt || Number.isNaN(expiresAt.getTime()) || typeof memberId !== "string") {
    throw new MemberSessionError(res.status, "invalid_response", `unexpected answer from ${url}: expected { token, expires_at, member_id }`);
  }
  const toolsets = Array.isArray(body?.toolsets) ? body.toolsets.filter((t: unknown): t is string => typeof t === "string") : [];
  return { token, expiresAt, memberId, toolsets };
}

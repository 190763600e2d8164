import { z } from "zod";
import { parseUpstreamAllowlist, type UpstreamAllowlist } from "./ssrf-guard.ts";

/**
 * `UPSTREAM_ALLOWLIST` as every app's env schema reads it: comma-separated `host:port` pairs
 * the SSRF guard lets through although they are private (default: none). One parser, so the
 * gateway, the worker and the dashboard's "Try it" agree on what an entry means.
 */
export const upstreamAllowlistSetting = z
  .string()
  .default("")
  .transform((text, ctx): UpstreamAllowlist => {
    const parsed = parseUpstreamAllowlist(text);
    if (parsed.ok) return parsed.allowlist;
    ctx.addIssue({ code: "custom", message: `UPSTREAM_ALLOWLIST: ${parsed.error}` });
    return z.NEVER;
  });

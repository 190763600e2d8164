/**
 * The client address for sign-in limits. Only behind a trusted reverse proxy (TRUST_PROXY) is
 * X-Forwarded-For used, and then only its last hop, the one that proxy appended: earlier
 * entries are whatever the client sent. Without one the address is unknown (`next start` does
 * not expose the socket peer, and keeps a client's own X-Forwarded-For), so undefined: the
 * per-email limit still applies.
 */
export function clientAddress(forwardedFor: string | string[] | undefined, trustProxy: boolean): string | undefined {
  if (!trustProxy || forwardedFor === undefined) return undefined;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map((s) => s.trim()).filter(Boolean);
  return hops[hops.length - 1];
}

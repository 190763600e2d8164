/**
 * DNS-rebinding protection (MCP Streamable HTTP §Security): a browser request whose Origin is
 * not ours (gateway, dashboard, or ALLOWED_ORIGINS) is refused. Requests without Origin come
 * from non-browser clients and are allowed.
 */
export function createOriginCheck(allowed: Array<string | undefined>) {
  const origins = new Set(allowed.filter((o): o is string => !!o).map((o) => new URL(o).origin));
  return (origin: string | undefined): boolean => {
    if (origin === undefined) return true;
    try {
      return origins.has(new URL(origin).origin);
    } catch {
      return false;
    }
  };
}

/**
 * Whether a form POST came from a page of this dashboard (CSRF defence in depth, beside the
 * token). Browsers send `Origin` on every POST; it must be the dashboard's public origin or
 * the origin this request was addressed to. When it is absent or opaque (`null`, e.g. under
 * a strict referrer policy), Fetch Metadata must say `same-origin`. A request carrying
 * neither is refused: no browser form sends that.
 */
export function isSameOriginPost(request: Request, dashboardUrl: string): boolean {
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") return origin === new URL(dashboardUrl).origin || origin === new URL(request.url).origin;
  return request.headers.get("sec-fetch-site") === "same-origin";
}

/**
 * Headers of every consent answer (also set for /oauth/* in next.config.ts): the page must not
 * be framed (clickjacking a one-click approval) and neither it nor a decision may be cached.
 */
export const CONSENT_HEADERS = {
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": "frame-ancestors 'none'",
  "Cache-Control": "no-store",
  "Referrer-Policy": "same-origin",
} as const;

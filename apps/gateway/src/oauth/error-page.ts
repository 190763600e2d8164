import type { ServerResponse } from "node:http";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The page /oauth/authorize shows when it must not redirect (RFC 6749 §4.1.2.1): the client,
 * redirect URI, resource or the project's policy could not be verified or refuses. The title
 * is the exact message of DESIGN §11; nothing on the page links to the unverified URI. Not
 * frameable, not cached, no scripts.
 */
export function sendErrorPage(res: ServerResponse, status: number, message: string, detail?: string) {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(message)} · Tengine</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f8fafc;color:#0f172a;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:32px;max-width:520px;margin:16px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
h1{font-size:20px;margin:0 0 12px;color:#b91c1c}
p{line-height:1.5;margin:0 0 12px;color:#334155}
small{color:#64748b}
</style>
</head>
<body>
<main>
<h1 id="error">${escapeHtml(message)}</h1>
${detail ? `<p>${escapeHtml(detail)}</p>\n` : ""}<p><small>The connection was not started and nothing was sent to the application. You can close this window; if you think this is wrong, ask an admin of the workspace to check the project's OAuth policy.</small></p>
</main>
</body>
</html>
`;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  res.end(html);
}

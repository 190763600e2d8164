/** A shell-safe single-quoted word: `'it'\''s'`. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The recorded request as a curl command, to replay or debug it by hand. It is built from what
 * the run kept, so credentials stay redacted (`[redacted]`): the command says so rather than
 * pretending to be complete.
 */
export function curlCommand(request: { method: string; url: string; headers: Record<string, string>; body?: string }): string {
  const lines = [`curl ${request.method === "GET" ? "" : `-X ${request.method} `}${quote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) {
    // curl computes it from the body it sends
    if (name.toLowerCase() === "content-length") continue;
    lines.push(`-H ${quote(`${name}: ${value}`)}`);
  }
  if (request.body !== undefined) lines.push(`--data-binary ${quote(request.body)}`);
  return lines.join(" \\\n  ");
}

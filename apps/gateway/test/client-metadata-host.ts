import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** What one path of the host answers; `body` objects are sent as JSON. */
export type HostedDocument = { body: unknown; status?: number; headers?: Record<string, string>; delayMs?: number };

/**
 * A real HTTPS server on 127.0.0.1 publishing Client ID Metadata Documents, with a certificate
 * made for this run by openssl (its PEM is `ca`: the gateway trusts it through UPSTREAM_CA_FILE's
 * setting, exactly as an operator trusts a private CA). Counts the fetches of every path.
 */
export async function startMetadataHost() {
  const dir = mkdtempSync(path.join(tmpdir(), "tengine-cimd-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", keyFile, "-out", certFile], { stdio: "ignore" });
  const ca = readFileSync(certFile, "utf8");
  const key = readFileSync(keyFile, "utf8");
  rmSync(dir, { recursive: true, force: true });
  const documents = new Map<string, HostedDocument>();
  const hits = new Map<string, number>();
  const server = https.createServer({ key, cert: ca }, (req, res) => {
    const route = (req.url ?? "/").split("?")[0]!;
    hits.set(route, (hits.get(route) ?? 0) + 1);
    const doc = documents.get(route);
    if (!doc) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    const send = () => {
      const text = typeof doc.body === "string" ? doc.body : JSON.stringify(doc.body);
      res.writeHead(doc.status ?? 200, { "content-type": "application/json", ...doc.headers });
      res.end(text);
    };
    if (doc.delayMs) setTimeout(send, doc.delayMs).unref();
    else send();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    ca,
    /** publishes a document at `route`; returns its URL (the client id) */
    publish(route: string, doc: HostedDocument) {
      documents.set(route, doc);
      return `${origin}${route}`;
    },
    hits: (route: string) => hits.get(route) ?? 0,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A valid public-client document for `clientId`. */
export function metadataDocument(clientId: string, redirectUris: string[], extra: Record<string, unknown> = {}) {
  return { client_id: clientId, client_name: "Metadata Client", redirect_uris: redirectUris, grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none", ...extra };
}

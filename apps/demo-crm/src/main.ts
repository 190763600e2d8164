/**
 * Standalone runner for manual use: `npm start -w @tengine/demo-crm` (or `npx tsx src/main.ts`).
 * Runs without signature verification; `npm start` at the repo root starts the CRM itself,
 * with a verifier, beside the gateway.
 *
 * Environment: `PORT` (default 4010), `HOST` (default 127.0.0.1), `PUBLIC_URL` (base URL
 * written into the OpenAPI document's `servers`; default the listening URL).
 */
import { startDemoCrm } from "./server.ts";

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 4010;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer from 0 to 65535, got "${raw}"`);
    process.exit(1);
  }
  return port;
}

const crm = await startDemoCrm({
  port: readPort(process.env.PORT),
  host: process.env.HOST || "127.0.0.1",
  ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
});
console.log(`demo CRM listening on ${crm.url} (OpenAPI: ${crm.url}/openapi.json; requests are not signature-checked)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void crm.close().then(() => process.exit(0));
  });
}

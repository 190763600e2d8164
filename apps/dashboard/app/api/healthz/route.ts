/** Liveness only: answers without touching the database, like the gateway's /healthz. */
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" });
}

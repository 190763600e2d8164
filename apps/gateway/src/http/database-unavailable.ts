/**
 * Whether an error means "Postgres cannot be reached right now" (refused, restarting, the
 * connection cut, the pool unable to connect) rather than a bug or bad input. The gateway
 * answers those with a 503 that says so, instead of a generic 500.
 */
const SQLSTATE_UNAVAILABLE = /^(08\w{3}|57P0[123]|53300|53000)$/;
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** Prisma's own codes: can't reach, timed out, server closed the connection, pool timeout. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const MESSAGES = /Connection terminated|terminating connection|connection is closed|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery|not yet accepting)|Can't reach database|Server has closed the connection|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|Connection refused/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; originalCode?: unknown };
    for (const code of [e.code, e.originalCode]) {
      if (typeof code === "string" && (SQLSTATE_UNAVAILABLE.test(code) || NODE_CODES.has(code) || PRISMA_CODES.has(code))) return true;
    }
    if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = e.cause;
  }
  return false;
}

export const DATABASE_UNAVAILABLE_MESSAGE = "Service unavailable: the database cannot be reached right now. Retry shortly; for writes, retry with the same Idempotency-Key so the call runs at most once.";

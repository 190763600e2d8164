import pino from "pino";

/**
 * Structured JSON logs. Credentials are redacted by path wherever they could appear; the
 * code never logs request headers or bodies wholesale in the first place.
 */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: "gateway" },
    redact: {
      paths: ["authorization", "headers.authorization", "req.headers.authorization", "token", "key", "secret", "*.token", "*.secret", "*.key"],
      censor: "[redacted]",
    },
  });
}

export type Logger = pino.Logger;

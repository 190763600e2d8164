import pino from "pino";

/** Structured JSON logs: job name and outcome, never payloads or credentials. */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: "worker" },
    redact: {
      paths: ["authorization", "token", "key", "secret", "*.token", "*.secret", "*.key"],
      censor: "[redacted]",
    },
  });
}

export type Logger = pino.Logger;

import { createDb } from "@tengine/db";
import { ASSERTION_JTI_RETENTION_INTERVAL_MS, ASSERTION_JTI_RETENTION_JOB, handleAssertionJtiRetention } from "./assertion-jti-retention.handler.ts";
import { loadWorkerConfig } from "./env.ts";
import { handleIdempotencyRetention, IDEMPOTENCY_RETENTION_INTERVAL_MS, IDEMPOTENCY_RETENTION_JOB } from "./idempotency-retention.handler.ts";
import { createLogger } from "./logger.ts";
import { runPeriodically } from "./run-periodically.ts";

const config = loadWorkerConfig();
const logger = createLogger(config.logLevel);
const { db, close } = createDb(
  { url: config.databaseUrl, schema: config.databaseSchema, embedded: config.embeddedDatabase },
  { poolSize: 2 },
);

logger.info("worker ready: no jobs yet (BullMQ jobs arrive with the approvals issue)");
const retention = runPeriodically(IDEMPOTENCY_RETENTION_JOB, IDEMPOTENCY_RETENTION_INTERVAL_MS, () => handleIdempotencyRetention({ db, logger }), logger);
const jtiRetention = runPeriodically(ASSERTION_JTI_RETENTION_JOB, ASSERTION_JTI_RETENTION_INTERVAL_MS, () => handleAssertionJtiRetention({ db, logger }), logger);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "shutting down");
    // Let a sweep in progress finish, then release the pool; a second signal exits at once.
    process.once(signal, () => process.exit(1));
    void Promise.all([retention.stop(), jtiRetention.stop()])
      .then(close)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  });
}

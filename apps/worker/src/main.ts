import { loadWorkerConfig } from "./env.ts";
import { createLogger } from "./logger.ts";
import { startWorker } from "./start-worker.ts";

// Misconfiguration is one clear message and exit 1, not a stack trace.
const config = (() => {
  try {
    return loadWorkerConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const logger = createLogger(config.logLevel);
const worker = await startWorker({ config, logger });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "shutting down: finishing running jobs");
    // A second signal exits at once.
    process.once(signal, () => process.exit(1));
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}

export { startWorker, type StartWorkerOptions, type RunningWorker } from "./start-worker.ts";
export { loadWorkerConfig, type WorkerConfig } from "./env.ts";
export { createLogger, type Logger } from "./logger.ts";

import type { Logger } from "./logger.ts";

export type PeriodicTask = {
  /** Stops scheduling and resolves once a run in progress has finished. */
  stop(): Promise<void>;
};

/**
 * Runs `task` now and then `intervalMs` after each run ends, so runs never overlap. A failed
 * run is logged and retried at the next tick; it never takes the process down.
 */
export function runPeriodically(name: string, intervalMs: number, task: () => Promise<unknown>, logger: Logger): PeriodicTask {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  const tick = () => {
    current = task()
      .then(
        () => undefined,
        (error: unknown) => {
          logger.error({ job: name, err: error }, "job failed; retrying at the next interval");
        },
      )
      .finally(() => {
        current = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

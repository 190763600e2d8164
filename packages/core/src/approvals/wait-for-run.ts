import type { Db, Run } from "@tengine/db";
import type { PubSub } from "../infra/pub-sub.ts";
import { isSettled } from "./run-outcome.ts";

/** The PubSub channel on which a run's settlement is announced. */
export function runChannel(runId: string) {
  return `run:${runId}`;
}

/**
 * Waits up to `waitMs` for a run to settle; null when it has not. Listens on `run:<runId>`
 * for a prompt wake-up AND reads the row every `pollMs`: the decision may come from another
 * process (the dashboard, the worker) whose in-process pub/sub never reaches this one, and a
 * pub/sub message can be missed (at most once delivery).
 */
export async function waitForRun(deps: { db: Db; pubsub?: PubSub }, projectId: string, runId: string, options: { waitMs: number; pollMs?: number }): Promise<Run | null> {
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? 1000;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  if (deps.pubsub) {
    // Redis down: polling alone still finds the decision.
    unsubscribe = await deps.pubsub.subscribe(runChannel(runId), () => wake?.()).catch(() => undefined);
  }
  try {
    for (;;) {
      const run = await deps.db.run.findFirst({ where: { id: runId, projectId } });
      if (!run) return null;
      if (isSettled(run.status)) return run;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(pollMs, remaining));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    await unsubscribe?.().catch(() => {});
  }
}

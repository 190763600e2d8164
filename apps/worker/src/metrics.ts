import { type JobEvent, JOB_NAMES, type JobQueue } from "@tengine/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics of one worker process (served at /metrics): attempts by job name and
 * outcome, attempt duration, and the queue depth per job name read from the queue on each
 * scrape (waiting + active + delayed; with BullMQ that is every worker's jobs, and a
 * repeating job's next run counts as delayed).
 */
export function createWorkerMetrics(queue: JobQueue) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const jobs = new Counter({
    name: "tengine_worker_jobs_total",
    help: "job attempts by job name and outcome (completed, failed, retried, timed_out)",
    labelNames: ["job", "outcome"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "tengine_worker_job_duration_seconds",
    help: "duration of one job attempt, by job name",
    labelNames: ["job"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  new Gauge({
    name: "tengine_worker_queue_depth",
    help: "jobs waiting, active or delayed, by job name",
    labelNames: ["job"],
    registers: [registry],
    async collect() {
      try {
        const depth = await queue.depth();
        for (const name of JOB_NAMES) this.set({ job: name }, depth[name]);
      } catch {
        // Redis down: leave the last values; the scrape itself must still answer.
      }
    },
  });

  function observe(event: JobEvent): void {
    if (event.type === "started") return;
    duration.observe({ job: event.name }, event.durationMs / 1000);
    const outcome = event.type === "completed" ? "completed" : event.timedOut ? "timed_out" : event.willRetry ? "retried" : "failed";
    jobs.inc({ job: event.name, outcome });
  }

  return { registry, observe };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

// The floor under a tools/call's added latency at one connection: the gateway answers only
// after the call's run has committed, and a commit waits for Postgres to flush its WAL to disk
// (fdatasync). A bare forwarder commits nothing. This measures one durable commit on the
// same server, one connection, back to back: an INSERT of one row into a logged table.
import pg from "pg";
import { percentile } from "./load.ts";

export async function measureDurableCommit(target: { url: string; schema?: string }, durationSec: number) {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const table = `${target.schema ? `"${target.schema}".` : ""}bench_commit_probe`;
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (n int)`);
    const samples: number[] = [];
    const until = performance.now() + durationSec * 1000;
    for (let n = 0; performance.now() < until; n++) {
      const started = performance.now();
      await client.query(`INSERT INTO ${table} (n) VALUES ($1)`, [n]);
      samples.push(performance.now() - started);
    }
    await client.query(`DROP TABLE ${table}`);
    samples.sort((a, b) => a - b);
    return { commits: samples.length, p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99) };
  } finally {
    await client.end();
  }
}

// A counting TCP proxy in front of Postgres, for the profile mode: the gateway connects
// through it, and it reads the frontend side of the wire protocol to count round trips and
// statements per call. pg_stat_statements is not loaded on this machine and the database's
// transaction counters are shared with everything else using the server; this counts only
// what the profiled gateway sends.
//
// Wire protocol (PostgreSQL docs, "Message Formats"): after the untyped startup packet
// (possibly preceded by an SSLRequest/GSSENCRequest), every frontend message is a type byte
// and an int32 length. A round trip is a Sync ('S', extended protocol: the client waits for
// ReadyForQuery) or a simple Query ('Q'). Statements are Bind ('B') and Query messages; the
// text of a Bind's statement comes from the Parse ('P') that named it.
import net from "node:net";
import { table } from "./report.ts";

export type PgCounts = { roundTrips: number; statements: number; byStatement: Map<string, number> };

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

function cstring(buf: Buffer, at: number): [string, number] {
  const end = buf.indexOf(0, at);
  return [buf.toString("utf8", at, end), end + 1];
}

/** One line per statement shape: whitespace collapsed, cut to a readable length. */
function shape(sql: string) {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 140 ? `${flat.slice(0, 137)}…` : flat;
}

export async function startPgCounter(target: { host: string; port: number }) {
  const counts: PgCounts = { roundTrips: 0, statements: 0, byStatement: new Map() };
  const sockets = new Set<net.Socket>();
  const count = (sql: string) => {
    counts.statements++;
    const key = shape(sql);
    counts.byStatement.set(key, (counts.byStatement.get(key) ?? 0) + 1);
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const named = new Map<string, string>();
    let unnamed = "";
    let startup = true;
    let pending: Buffer = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const len = pending.readInt32BE(0);
          if (pending.length < len) break;
          const code = pending.readInt32BE(4);
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
          pending = pending.subarray(len);
          continue;
        }
        if (pending.length < 5) break;
        const type = String.fromCharCode(pending[0]!);
        const len = pending.readInt32BE(1);
        if (pending.length < 1 + len) break;
        const body = pending.subarray(5, 1 + len);
        if (type === "S") counts.roundTrips++;
        else if (type === "Q") {
          counts.roundTrips++;
          count(cstring(body, 0)[0]);
        } else if (type === "P") {
          const [name, at] = cstring(body, 0);
          const [sql] = cstring(body, at);
          if (name) named.set(name, sql);
          else unnamed = sql;
        } else if (type === "B") {
          const [, at] = cstring(body, 0); // portal
          const [statement] = cstring(body, at);
          count(statement ? (named.get(statement) ?? `(prepared ${statement})`) : unnamed);
        }
        pending = pending.subarray(1 + len);
      }
    });
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    /** A copy of the counters now; subtract two snapshots for a window. */
    snapshot(): PgCounts {
      return { roundTrips: counts.roundTrips, statements: counts.statements, byStatement: new Map(counts.byStatement) };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What happened between two snapshots. */
export function pgDelta(before: PgCounts, after: PgCounts): PgCounts {
  const byStatement = new Map<string, number>();
  for (const [sql, n] of after.byStatement) {
    const d = n - (before.byStatement.get(sql) ?? 0);
    if (d > 0) byStatement.set(sql, d);
  }
  return { roundTrips: after.roundTrips - before.roundTrips, statements: after.statements - before.statements, byStatement };
}

/** Round trips and statements per call over some measured runs, with the statements by count. */
export function formatPgPerCall(windows: PgCounts[], calls: number): string {
  const trips = windows.reduce((n, p) => n + p.roundTrips, 0);
  const statements = windows.reduce((n, p) => n + p.statements, 0);
  const byStatement = new Map<string, number>();
  for (const p of windows) for (const [sql, n] of p.byStatement) byStatement.set(sql, (byStatement.get(sql) ?? 0) + n);
  return [
    `Postgres per call: ${(trips / calls).toFixed(2)} round trips, ${(statements / calls).toFixed(2)} statements`,
    table(
      ["statement (per call)", "per call"],
      [...byStatement].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([sql, n]) => [sql, (n / calls).toFixed(2)]),
      [false, true],
    ),
  ].join("\n");
}

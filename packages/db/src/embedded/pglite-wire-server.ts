import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

/**
 * Serves an embedded PGlite database over the Postgres wire protocol on loopback, so that the
 * gateway, the dashboard, the worker and the CLI all talk to it exactly as they talk to a real
 * Postgres (one query path: `pg` + Prisma's pg adapter).
 *
 * PGlite is a single backend session. Clients are therefore serialised per *batch*: the
 * messages a client sends up to a `Sync` (extended protocol) or a simple `Query` run together,
 * exclusively, and while the session is inside a transaction opened by a client, only that
 * client's batches run. (`@electric-sql/pglite-socket` queues single messages instead, which
 * interleaves two clients' Parse/Bind/Execute sequences and mixes up their results.)
 */
export async function startPgliteWireServer(
  db: PGlite,
  options: { host?: string; port?: number } = {},
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  let owner: Connection | null = null; // connection holding an open transaction
  let running = false;
  const ready: Array<{ conn: Connection; batch: Uint8Array; done: (r: Uint8Array | Error) => void }> = [];
  const connections = new Set<Connection>();
  const sockets = new Set<net.Socket>();

  /**
   * Runs batches one at a time, first come first served, except that while a connection holds
   * an open transaction only its batches may run; the others wait their turn.
   */
  function schedule(conn: Connection, batch: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      ready.push({ conn, batch, done: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      void pump();
    });
  }

  async function pump() {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const index = owner ? ready.findIndex((item) => item.conn === owner) : 0;
        if (index < 0 || ready.length === 0) return;
        const [item] = ready.splice(index, 1);
        try {
          // PGlite reuses its output buffer for the next call, which may start before the
          // waiting connection resumes: copy the bytes now.
          const response = Buffer.from(await db.execProtocolRaw(item!.batch));
          const status = lastReadyForQueryStatus(response);
          if (status === "T" || status === "E") owner = item!.conn;
          else if (status === "I" && owner === item!.conn) owner = null;
          item!.done(response);
        } catch (error) {
          item!.done(error instanceof Error ? error : new Error(String(error)));
        }
      }
    } finally {
      running = false;
    }
  }

  /** A client went away in the middle of its transaction: roll it back and let others run. */
  async function release(conn: Connection) {
    if (owner !== conn) return;
    await schedule(conn, simpleQuery("ROLLBACK")).catch(() => undefined);
    owner = null;
    void pump();
  }

  class Connection {
    private buffer: Buffer = Buffer.alloc(0);
    private pending: Buffer[] = [];
    private started = false;
    private queue: Promise<void> = Promise.resolve();

    constructor(private readonly socket: net.Socket) {
      socket.setNoDelay(true);
      socket.on("data", (chunk) => this.onData(chunk));
      socket.on("error", () => socket.destroy());
      socket.on("close", () => this.onClose());
    }

    private onData(chunk: Buffer) {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      for (;;) {
        if (!this.started) {
          if (this.buffer.length < 8) return;
          const length = this.buffer.readInt32BE(0);
          if (this.buffer.length < length) return;
          const message = this.buffer.subarray(0, length);
          this.buffer = this.buffer.subarray(length);
          const code = message.readInt32BE(4);
          if (code === 80877103 || code === 80877104) {
            this.socket.write("N"); // SSLRequest / GSSENCRequest: not offered on loopback
            continue;
          }
          if (code === 80877102) {
            this.socket.end(); // CancelRequest: not supported
            return;
          }
          this.started = true;
          this.enqueue([Buffer.from(message)]);
          continue;
        }
        if (this.buffer.length < 5) return;
        const length = 1 + this.buffer.readInt32BE(1);
        if (this.buffer.length < length) return;
        const message = Buffer.from(this.buffer.subarray(0, length));
        this.buffer = this.buffer.subarray(length);
        const type = String.fromCharCode(message[0]!);
        if (type === "X") {
          this.socket.end();
          return;
        }
        this.pending.push(message);
        // Sync ends an extended-protocol batch, Query is a batch of its own; Flush asks for
        // output so far, which we can only give by running what we have.
        if (type === "S" || type === "Q" || type === "H") this.enqueue(this.pending.splice(0));
      }
    }

    private enqueue(batch: Buffer[]) {
      this.queue = this.queue.then(() => this.execute(Buffer.concat(batch)));
    }

    private async execute(batch: Buffer) {
      try {
        const response = await schedule(this, new Uint8Array(batch));
        if (!this.socket.destroyed) this.socket.write(response);
      } catch {
        this.socket.destroy();
      }
    }

    private onClose() {
      connections.delete(this);
      void this.queue.then(() => release(this));
    }
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    connections.add(new Connection(socket));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A simple-protocol Query message. */
function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const message = Buffer.alloc(5 + text.length);
  message.write("Q", 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
}

/** Transaction status byte of the last ReadyForQuery ('Z') message in a response, if any. */
function lastReadyForQueryStatus(response: Uint8Array): string | undefined {
  let status: string | undefined;
  let offset = 0;
  const view = new DataView(response.buffer, response.byteOffset, response.byteLength);
  while (offset + 5 <= response.length) {
    const type = response[offset]!;
    const length = view.getInt32(offset + 1);
    if (type === 0x5a && length === 5) status = String.fromCharCode(response[offset + 5]!);
    offset += 1 + length;
  }
  return status;
}

import { Redis, type RedisOptions } from "ioredis";
import { InfraUnavailableError } from "./infra-unavailable-error.ts";

export type RedisClientOptions = {
  /** Milliseconds to establish a TCP connection before giving up on this attempt. */
  connectTimeoutMs?: number;
  /** Milliseconds before a sent command is abandoned with an error. */
  commandTimeoutMs?: number;
  /** Shows in `CLIENT LIST`; handy for operators and for tests that kill one connection. */
  connectionName?: string;
  /** Connection errors (refused, reset...). ioredis keeps reconnecting in the background. */
  onError?: (err: Error) => void;
};

export const REDIS_CLIENT_DEFAULTS = { connectTimeoutMs: 1_000, commandTimeoutMs: 1_000 } as const;

/**
 * An ioredis client tuned to fail fast: one retry per command, no offline queue, short
 * timeouts. While Redis is down every command rejects at once instead of piling up in memory
 * and answering minutes later; the client keeps reconnecting in the background (ioredis'
 * default backoff) and commands work again as soon as Redis is back.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: options.connectTimeoutMs ?? REDIS_CLIENT_DEFAULTS.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs ?? REDIS_CLIENT_DEFAULTS.commandTimeoutMs,
    // Connect on the first command (see waitUntilReady), not at construction: creating the
    // infrastructure must not throw or log when Redis happens to be down at boot.
    lazyConnect: true,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  };
  const client = new Redis(url, redisOptions);
  // Without a listener ioredis prints every connection error to stderr.
  client.on("error", options.onError ?? (() => {}));
  return client;
}

const everReady = new WeakSet<Redis>();
/** One wait per client, however many calls arrive before the first connection is up. */
const firstConnection = new WeakMap<Redis, Promise<void>>();

/**
 * Resolves when `client` can take commands. With the offline queue off, a command sent
 * before the first connection is up would fail even though Redis is fine, so the very first
 * connection is awaited (bounded by the connect timeout, and cut short by a connection
 * error). After that, a client that is not ready means Redis went away: fail at once.
 */
export async function waitUntilReady(client: Redis, capability: string): Promise<void> {
  if (client.status === "ready") {
    everReady.add(client);
    return;
  }
  if (everReady.has(client) || client.status === "end" || client.status === "close" || client.status === "reconnecting") {
    throw new InfraUnavailableError(capability, `Redis is not reachable (connection ${client.status})`);
  }
  let pending = firstConnection.get(client);
  if (!pending) {
    pending = awaitFirstConnection(client).finally(() => firstConnection.delete(client));
    firstConnection.set(client, pending);
  }
  try {
    await pending;
  } catch (err) {
    // Re-label with the capability of this caller.
    throw new InfraUnavailableError(capability, (err as Error).message.replace(/^[^:]*: /, ""), { cause: (err as Error).cause });
  }
}

function awaitFirstConnection(client: Redis): Promise<void> {
  const timeoutMs = (client.options.connectTimeout ?? REDIS_CLIENT_DEFAULTS.connectTimeoutMs) + 100;
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onError);
      client.off("end", onEnd);
    };
    const onReady = () => {
      cleanup();
      everReady.add(client);
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new InfraUnavailableError("redis", `Redis is not reachable: ${err.message}`, { cause: err }));
    };
    const onEnd = () => {
      cleanup();
      reject(new InfraUnavailableError("redis", "Redis connection closed"));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new InfraUnavailableError("redis", `Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on("ready", onReady);
    client.on("error", onError);
    client.on("end", onEnd);
    if (client.status === "wait") {
      // Errors surface through the "error" event above; the promise itself is not needed.
      client.connect().catch(() => {});
    }
  });
}

/** Reply prefixes meaning "Redis cannot serve this right now", as opposed to a bad command. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;

/**
 * Classifies an error thrown by an ioredis command. Connection-level failures (timeouts,
 * closed streams, exhausted retries) and transient server replies become
 * `InfraUnavailableError`; any other error reply (a script error, WRONGTYPE) is a bug and is
 * returned unchanged so that it is not silently treated as an outage.
 */
export function toInfraError(err: unknown, capability: string): unknown {
  if (err instanceof InfraUnavailableError) return err;
  if (!(err instanceof Error)) return new InfraUnavailableError(capability, String(err), { cause: err });
  if (err.name === "ReplyError" && !TRANSIENT_REPLY.test(err.message)) return err;
  return new InfraUnavailableError(capability, err.message, { cause: err });
}

/** Runs one Redis operation with the readiness check and error classification above. */
export async function withRedis<T>(client: Redis, capability: string, run: () => Promise<T>): Promise<T> {
  await waitUntilReady(client, capability);
  try {
    return await run();
  } catch (err) {
    throw toInfraError(err, capability);
  }
}

import type { ServerResponse } from "node:http";
import type { JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { principalKey } from "@tengine/core";
import type { CallContext } from "../call-context.ts";
import type { ConfigWatcher } from "./config-watcher.ts";
import { SERVER_INFO, SERVER_INFO_META, SUBSCRIPTION_ID_META } from "./protocol.ts";

/** An SSE comment this often keeps proxies and clients from closing a quiet stream. */
const KEEP_ALIVE_MS = 25_000;
/** Open streams one credential may hold on this process, and all credentials together: each holds a socket. */
export const MAX_STREAMS_PER_CREDENTIAL = 16;
export const MAX_STREAMS = 10_000;

/**
 * The open `subscriptions/listen` streams of this process. A stream acknowledges the filter it
 * honours (only `toolsListChanged`: the gateway serves tools alone), then carries
 * `notifications/tools/list_changed` whenever the project's configuration moves. At shutdown
 * each stream is ended with the listen request's result, the specification's graceful close.
 */
export class ListenStreams {
  readonly #watcher: ConfigWatcher;
  readonly #open = new Set<() => void>();
  readonly #perCredential = new Map<string, number>();

  constructor(watcher: ConfigWatcher) {
    this.#watcher = watcher;
  }

  get size() {
    return this.#open.size;
  }

  /**
   * Opens the stream on `res`, or refuses it (returns the reason, nothing written) when the
   * credential or the process already holds as many as it may.
   */
  open(res: ServerResponse, request: JSONRPCRequest, ctx: CallContext): string | undefined {
    const holder = principalKey(ctx.principal);
    const held = this.#perCredential.get(holder) ?? 0;
    if (held >= MAX_STREAMS_PER_CREDENTIAL) return `this credential already holds ${held} open subscriptions on this gateway (at most ${MAX_STREAMS_PER_CREDENTIAL}); close one first`;
    if (this.#open.size >= MAX_STREAMS) return "this gateway holds as many open subscriptions as it may; retry later or on another replica";
    this.#perCredential.set(holder, held + 1);
    const subscriptionId = request.id;
    const filter = ((request.params as { notifications?: Record<string, unknown> } | undefined)?.notifications ?? {}) as Record<string, unknown>;
    const tools = filter.toolsListChanged === true && ctx.surface === "project";
    const send = (message: unknown) => {
      if (!res.writableEnded) res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    };
    // connection: close — the socket ends with the stream, so a shutdown never waits on it.
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no", connection: "close" });
    send({ jsonrpc: "2.0", method: "notifications/subscriptions/acknowledged", params: { notifications: tools ? { toolsListChanged: true } : {}, _meta: { [SUBSCRIPTION_ID_META]: subscriptionId } } });
    const unwatch = tools
      ? this.#watcher.watch(ctx.project.id, ctx.project.configVersion, () => send({ jsonrpc: "2.0", method: "notifications/tools/list_changed", params: { _meta: { [SUBSCRIPTION_ID_META]: subscriptionId } } }))
      : () => {};
    const keepAlive = setInterval(() => {
      if (!res.writableEnded) res.write(":\n\n");
    }, KEEP_ALIVE_MS);
    const release = () => {
      if (!this.#open.delete(close)) return;
      clearInterval(keepAlive);
      unwatch();
      const left = (this.#perCredential.get(holder) ?? 1) - 1;
      if (left > 0) this.#perCredential.set(holder, left);
      else this.#perCredential.delete(holder);
    };
    const close = () => {
      release();
      // Once the closing result is flushed the socket goes too: a client that stopped reading
      // (an aborted fetch keeps its socket) must not hold a shutting-down gateway open.
      if (!res.writableEnded) res.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: subscriptionId, result: { resultType: "complete", _meta: { [SUBSCRIPTION_ID_META]: subscriptionId, [SERVER_INFO_META]: SERVER_INFO } } })}\n\n`, () => res.socket?.destroy());
      else res.socket?.destroy();
    };
    this.#open.add(close);
    // The client closing the stream is its cancellation (no notifications/cancelled on HTTP).
    res.on("close", release);
    return undefined;
  }

  /** Ends every stream gracefully (shutdown); the watcher stops polling. */
  close() {
    for (const close of [...this.#open]) close();
    this.#watcher.close();
  }
}

import type { ServerResponse } from "node:http";
import type { JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import type { CallContext } from "../call-context.ts";
import type { ConfigWatcher } from "./config-watcher.ts";
import { SERVER_INFO, SERVER_INFO_META, SUBSCRIPTION_ID_META } from "./protocol.ts";

/** An SSE comment this often keeps proxies and clients from closing a quiet stream. */
const KEEP_ALIVE_MS = 25_000;

/**
 * The open `subscriptions/listen` streams of this process. A stream acknowledges the filter it
 * honours (only `toolsListChanged`: the gateway serves tools alone), then carries
 * `notifications/tools/list_changed` whenever the project's configuration moves. At shutdown
 * each stream is ended with the listen request's result, the specification's graceful close.
 */
export class ListenStreams {
  readonly #watcher: ConfigWatcher;
  readonly #open = new Set<() => void>();

  constructor(watcher: ConfigWatcher) {
    this.#watcher = watcher;
  }

  get size() {
    return this.#open.size;
  }

  open(res: ServerResponse, request: JSONRPCRequest, ctx: CallContext) {
    const subscriptionId = request.id;
    const filter = ((request.params as { notifications?: Record<string, unknown> } | undefined)?.notifications ?? {}) as Record<string, unknown>;
    const tools = filter.toolsListChanged === true && ctx.surface === "project";
    const send = (message: unknown) => {
      if (!res.writableEnded) res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    };
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" });
    send({ jsonrpc: "2.0", method: "notifications/subscriptions/acknowledged", params: { notifications: tools ? { toolsListChanged: true } : {}, _meta: { [SUBSCRIPTION_ID_META]: subscriptionId } } });
    const unwatch = tools
      ? this.#watcher.watch(ctx.project.id, ctx.project.configVersion, () => send({ jsonrpc: "2.0", method: "notifications/tools/list_changed", params: { _meta: { [SUBSCRIPTION_ID_META]: subscriptionId } } }))
      : () => {};
    const keepAlive = setInterval(() => {
      if (!res.writableEnded) res.write(":\n\n");
    }, KEEP_ALIVE_MS);
    const release = () => {
      clearInterval(keepAlive);
      unwatch();
      this.#open.delete(close);
    };
    const close = () => {
      release();
      if (!res.writableEnded) res.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: subscriptionId, result: { resultType: "complete", _meta: { [SUBSCRIPTION_ID_META]: subscriptionId, [SERVER_INFO_META]: SERVER_INFO } } })}\n\n`);
    };
    this.#open.add(close);
    // The client closing the stream is its cancellation (no notifications/cancelled on HTTP).
    res.on("close", release);
  }

  /** Ends every stream gracefully (shutdown); the watcher stops polling. */
  close() {
    for (const close of [...this.#open]) close();
    this.#watcher.close();
  }
}

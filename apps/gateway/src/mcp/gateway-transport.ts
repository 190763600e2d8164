import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo, RequestId } from "@modelcontextprotocol/sdk/types.js";

type Reply = Extract<JSONRPCMessage, { id: RequestId }> & ({ result: unknown } | { error: unknown });

/**
 * A Transport that lets ONE long-lived SDK `Server` answer every HTTP request of the process.
 * The stateless Streamable HTTP pattern builds a Server and a transport per request, which
 * the ENVIRONMENT measurements show costs most of the request; here each request is handed to
 * the shared Server under a process-unique JSON-RPC id (clients' own ids collide freely) and
 * its reply is routed back to the waiting HTTP response under the client's id.
 */
export class GatewayTransport implements Transport {
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 0;

  async start() {}

  async close() {
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Only replies to requests are delivered: the stateless endpoint offers no stream for
    // server-initiated notifications or requests.
    if (!("id" in message) || typeof message.id !== "number") return;
    if (!("result" in message) && !("error" in message)) return;
    const route = this.#pending.get(message.id);
    if (!route) return;
    this.#pending.delete(message.id);
    route(message as Reply);
  }

  /** Runs one client request through the Server and resolves with its reply (client's id). */
  dispatch(request: JSONRPCRequest, authInfo: AuthInfo, requestInfo: MessageExtraInfo["requestInfo"]): Promise<Reply> {
    const internalId = ++this.#nextId;
    return new Promise((resolve) => {
      this.#pending.set(internalId, (reply) => resolve({ ...reply, id: request.id } as Reply));
      this.onmessage?.({ ...request, id: internalId }, { authInfo, requestInfo });
    });
  }
}

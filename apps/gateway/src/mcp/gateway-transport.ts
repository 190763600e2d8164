import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { ErrorCode, type JSONRPCMessage, type JSONRPCRequest, type MessageExtraInfo, type RequestId } from "@modelcontextprotocol/sdk/types.js";

type Reply = Extract<JSONRPCMessage, { id: RequestId }> & ({ result: unknown } | { error: unknown });
/** A method's handler run without the SDK: resolves with the result or throws (an Error with a JSON-RPC `code`). */
export type DirectHandler = (request: JSONRPCRequest, authInfo: AuthInfo) => Promise<unknown>;

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
  readonly #direct = new Map<string, DirectHandler>();
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

  /**
   * Answers `method` with `handler` instead of the shared Server. For the hot method
   * (tools/call): the SDK's path builds per request an AbortController, a context of closures
   * and a promise chain, and parses the request with zod three times and the result once (a
   * copy). Nothing of that serves a stateless exchange: the handler validates the params
   * itself, and results are built by the gateway (a federated server's result was validated by
   * the MCP client that received it). Errors are answered as the SDK answers them.
   */
  answerDirectly(method: string, handler: DirectHandler) {
    this.#direct.set(method, handler);
  }

  /** Runs one client request through its handler and resolves with its reply (client's id). */
  dispatch(request: JSONRPCRequest, authInfo: AuthInfo, requestInfo: MessageExtraInfo["requestInfo"]): Promise<Reply> {
    const direct = this.#direct.get(request.method);
    if (direct) {
      return direct(request, authInfo).then(
        (result) => ({ jsonrpc: "2.0", id: request.id, result }) as Reply,
        (error: { code?: unknown; message?: string; data?: unknown }) => ({ jsonrpc: "2.0", id: request.id, error: errorBody(error) }) as Reply,
      );
    }
    const internalId = ++this.#nextId;
    return new Promise((resolve) => {
      this.#pending.set(internalId, (reply) => resolve({ ...reply, id: request.id } as Reply));
      this.onmessage?.({ ...request, id: internalId }, { authInfo, requestInfo });
    });
  }
}

/** A thrown error as the SDK's Protocol answers it: its numeric `code` (else internal error), message and data. */
function errorBody(error: { code?: unknown; message?: string; data?: unknown }) {
  return {
    code: Number.isSafeInteger(error?.code) ? (error.code as number) : ErrorCode.InternalError,
    message: error?.message ?? "Internal error",
    ...(error?.data !== undefined ? { data: error.data } : {}),
  };
}

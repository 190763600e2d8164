import { randomBytes } from "node:crypto";
import type { PubSub } from "@tengine/core";

/** What a client answers to `elicitation/create` (MCP 2025-06-18 §elicitation). */
export type ElicitAnswer = { action: "accept" | "decline" | "cancel"; content?: Record<string, unknown> };

/** Our Mcp-Session-Id for clients that declared elicitation: stateless, it only says so. */
export const ELICITATION_SESSION_PREFIX = "tng-elicit.";

/** Request ids of our elicitations: unguessable, and never a client's own request id. */
const ID_PREFIX = "tng-elicit-";
const channel = (id: string) => `elicit:${id}`;

type Waiter = { principalKey: string; resolve: (answer: ElicitAnswer | null) => void };

/**
 * Server-to-client questions over the stateless endpoint. The question goes out as a
 * JSON-RPC request on the SSE answer of the tools/call that asked it; the client POSTs its
 * answer as a separate request, which may reach any replica: the replica that has the waiter
 * resolves it, any other one forwards the answer over pub/sub (`elicit:<id>`). An answer
 * counts only from the same principal the question was asked of.
 */
export class ElicitationBroker {
  readonly #waiters = new Map<string, Waiter>();

  constructor(private readonly pubsub: PubSub) {}

  static isElicitationId(id: unknown): id is string {
    return typeof id === "string" && id.startsWith(ID_PREFIX);
  }

  /**
   * Sends one `elicitation/create` through `write` and resolves with the answer, or null when
   * none arrives within `timeoutMs` (or the answer is malformed).
   */
  async ask(principalKey: string, write: (request: unknown) => void, params: { message: string; requestedSchema: Record<string, unknown> }, timeoutMs: number): Promise<ElicitAnswer | null> {
    const id = `${ID_PREFIX}${randomBytes(16).toString("base64url")}`;
    let settle!: (answer: ElicitAnswer | null) => void;
    const answered = new Promise<ElicitAnswer | null>((resolve) => (settle = resolve));
    this.#waiters.set(id, { principalKey, resolve: settle });
    const unsubscribe = await this.pubsub
      .subscribe(channel(id), (message) => {
        try {
          const forwarded = JSON.parse(message) as { principalKey: string; answer: unknown };
          this.#resolve(id, forwarded.principalKey, forwarded.answer);
        } catch {
          // not ours to fail on: a malformed forward is ignored
        }
      })
      .catch(() => undefined);
    const timer = setTimeout(() => settle(null), timeoutMs);
    try {
      write({ jsonrpc: "2.0", id, method: "elicitation/create", params });
      return await answered;
    } finally {
      clearTimeout(timer);
      this.#waiters.delete(id);
      await unsubscribe?.().catch(() => {});
    }
  }

  /** A client's JSON-RPC answer to one of our elicitations, from whichever replica it reached. */
  async deliver(principalKey: string, message: { id: string; result?: unknown; error?: unknown }): Promise<void> {
    const answer = message.result ?? { action: "cancel" };
    if (this.#waiters.has(message.id)) {
      this.#resolve(message.id, principalKey, answer);
      return;
    }
    await this.pubsub.publish(channel(message.id), JSON.stringify({ principalKey, answer })).catch(() => {});
  }

  #resolve(id: string, principalKey: string, raw: unknown) {
    const waiter = this.#waiters.get(id);
    if (!waiter || waiter.principalKey !== principalKey) return;
    const action = (raw as { action?: unknown } | null)?.action;
    if (action !== "accept" && action !== "decline" && action !== "cancel") return waiter.resolve(null);
    waiter.resolve(raw as ElicitAnswer);
  }
}

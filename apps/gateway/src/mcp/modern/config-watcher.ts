/** Reads the current configuration version of each project named. */
export type ReadConfigVersions = (projectIds: string[]) => Promise<Map<string, number>>;

/**
 * Tells open `subscriptions/listen` streams when their project's configuration changed. The
 * version lives in Postgres, bumped in the same transaction as every tool, scope or
 * enabled-flag change, by whichever process made it (dashboard, CLI, another replica), so
 * this polls it: one query per interval for all watched projects together, and none at all
 * while no stream is open. Nothing of this touches the tool-call path.
 */
export class ConfigWatcher {
  readonly #read: ReadConfigVersions;
  readonly #intervalMs: number;
  readonly #watched = new Map<string, { version: number; listeners: Set<() => void> }>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(read: ReadConfigVersions, intervalMs = 1_000) {
    this.#read = read;
    this.#intervalMs = intervalMs;
  }

  /** Calls `listener` each time the project's version moves past `version`; returns the unwatch. */
  watch(projectId: string, version: number, listener: () => void): () => void {
    let entry = this.#watched.get(projectId);
    if (!entry) {
      entry = { version, listeners: new Set() };
      this.#watched.set(projectId, entry);
    }
    entry.version = Math.max(entry.version, version);
    entry.listeners.add(listener);
    this.#timer ??= setInterval(() => void this.poll(), this.#intervalMs);
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0 && this.#watched.get(projectId) === entry) this.#watched.delete(projectId);
      if (this.#watched.size === 0) this.#stop();
    };
  }

  /** One round: reads the watched projects' versions and notifies those that moved. */
  async poll(): Promise<void> {
    if (this.#polling || this.#watched.size === 0) return;
    this.#polling = true;
    try {
      const versions = await this.#read([...this.#watched.keys()]);
      for (const [projectId, entry] of this.#watched) {
        const current = versions.get(projectId);
        if (current === undefined || current <= entry.version) continue;
        entry.version = current;
        for (const listener of [...entry.listeners]) listener();
      }
    } catch {
      // Postgres unreachable: nothing is known to have changed; the next round asks again.
    } finally {
      this.#polling = false;
    }
  }

  #stop() {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  close() {
    this.#stop();
    this.#watched.clear();
  }
}

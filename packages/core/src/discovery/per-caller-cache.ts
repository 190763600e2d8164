import type { ProjectRuntime } from "../runtime/project-runtime-cache.ts";

/**
 * Values derived from one project runtime (one config version) for one kind of caller: the
 * same scopes and toolsets see the same tools, so what is built from them is built once. A new
 * config version is a new runtime object, so its values start afresh (the old ones go with it).
 */
export class PerCallerCache<T> {
  readonly #byRuntime = new WeakMap<ProjectRuntime, Map<string, T>>();

  /** `maxPerRuntime`: scope sets kept per version; a project whose callers hold many keeps the latest. */
  constructor(private readonly maxPerRuntime = 100) {}

  get(runtime: ProjectRuntime, scopes: readonly string[] | null, toolsets: readonly string[], build: () => T): T {
    const key = `${scopes === null ? "*" : [...scopes].sort().join(" ")}|${[...toolsets].sort().join(" ")}`;
    let values = this.#byRuntime.get(runtime);
    if (!values) this.#byRuntime.set(runtime, (values = new Map()));
    let value = values.get(key);
    if (value === undefined) {
      value = build();
      if (values.size >= this.maxPerRuntime) values.delete(values.keys().next().value!);
      values.set(key, value);
    }
    return value;
  }
}

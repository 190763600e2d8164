import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

type Bindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
export type SchemaEngine = Awaited<ReturnType<Bindings["SchemaEngine"]["new"]>>;

// Node has WebAssembly; TypeScript's lib without DOM does not declare it.
declare const WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> };

let bindings: Promise<Bindings> | undefined;
let lastPanic: string | undefined;

/** The message of the engine's last panic, for error reports. */
export function lastSchemaEnginePanic(): string | undefined {
  return lastPanic;
}

/**
 * Loads Prisma's wasm schema engine. The package's entry imports the `.wasm` file as an ES
 * module, which Node 20 only allows behind `--experimental-wasm-modules`; instantiating the
 * module ourselves from its bytes gives the same engine with no flag.
 */
function loadBindings(): Promise<Bindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    // The engine reports Rust panics through this global before it throws.
    const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        lastPanic = message;
      },
    };
    const bg: Bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
    // The engine arms timeouts (e.g. for its advisory lock) that outlive the command and would
    // keep a short-lived process such as the CLI alive for ten seconds; unref them. While a
    // command runs, its database sockets keep the process alive anyway.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(imports).filter((n) => n.startsWith("__wbg_setTimeout_"))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    bg.__wbg_set_wasm(instance.exports as never);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return bindings;
}

/**
 * A schema engine bound to a database through a driver adapter. The engine needs an adapter
 * even for pure schema diffs; it only connects when a command touches the database.
 */
export async function openSchemaEngine(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  log: (message: string) => void = () => {},
): Promise<SchemaEngine> {
  const bg = await loadBindings();
  return bg.SchemaEngine.new({ datamodels: undefined }, log, bindMigrationAwareSqlAdapterFactory(adapter));
}

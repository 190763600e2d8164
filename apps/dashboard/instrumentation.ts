/** Next runs this once at server start: refuse to start on a bad configuration. */
export async function register() {
  // Only the Node.js server has a configuration to check (nothing runs on the edge runtime).
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { exitOnInvalidConfig } = await import("./src/server/env.ts");
  exitOnInvalidConfig();
}

// Measures what a new user waits for: from `npm start` to the first successful MCP tools/call
// (search_contacts on the demo CRM) with the printed URL and key. Run it in a fresh clone after
// `npm ci`:  node scripts/time-to-first-call.mjs
// Ports and the data directory come from the environment as for npm start (GATEWAY_PORT,
// DASHBOARD_PORT, DEMO_CRM_PORT, EMBEDDED_DB_PORT, TENGINE_DATA_DIR). Plain Node, no dependencies.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const started = performance.now();
const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
let output = "";
child.stdout.on("data", (d) => (output += d));
child.stderr.on("data", (d) => (output += d));
child.once("exit", (code) => {
  console.error(`npm start exited (${code}) before the first call:\n${output}`);
  process.exit(1);
});

const deadline = Date.now() + 600_000;
let result;
while (Date.now() < deadline) {
  const url = /MCP URL\s+(\S+)/.exec(output)?.[1];
  const key = /API key\s+(\S+)/.exec(output)?.[1];
  if (url && key) {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "search_contacts", arguments: {} } }),
    }).catch(() => undefined);
    const body = response?.ok ? await response.json().catch(() => undefined) : undefined;
    if (body?.result && !body.result.isError) {
      result = (performance.now() - started) / 1000;
      break;
    }
  }
  await new Promise((r) => setTimeout(r, 100));
}
child.removeAllListeners("exit");
const printed = /MCP ready ([\d.]+) s/.exec(output)?.[1];
const dashboardPending = !/Dashboard\s+\S+\s+ready/.test(output);
process.kill(-child.pid, "SIGINT");
if (result === undefined) {
  console.error(`no successful tools/call within 10 minutes:\n${output}`);
  process.exit(1);
}
console.log(`first successful tools/call ${result.toFixed(1)} s after npm start (npm start printed "MCP ready ${printed} s"; dashboard ${dashboardPending ? "still starting" : "already ready"} then)`);

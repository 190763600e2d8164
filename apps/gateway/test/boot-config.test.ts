import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SecretBox } from "@tengine/core";
import { describe, expect, it } from "vitest";

/**
 * The gateway run on its own (`node apps/gateway/src/main.ts`, as in docker-compose.yml) refuses
 * to start without a proper TENGINE_MASTER_KEY, and a taken port is one line: both say what to
 * do, neither prints a stack trace.
 */
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const root = path.resolve(path.dirname(main), "../../..");

function boot(env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const base = { ...process.env };
    delete base.TENGINE_MASTER_KEY;
    const child = spawn(process.execPath, ["--import", "tsx", main], { cwd: root, env: { ...base, DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres", LOG_LEVEL: "silent", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const HOWTO = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

describe("gateway boot", () => {
  it.each([
    ["missing", {}, "TENGINE_MASTER_KEY is required"],
    ["too short", { TENGINE_MASTER_KEY: "changeme" }, "TENGINE_MASTER_KEY must be 32 random bytes, base64url-encoded (43 characters)"],
    ["placeholder", { TENGINE_MASTER_KEY: "A".repeat(43) }, "TENGINE_MASTER_KEY looks like a placeholder, not random bytes"],
  ])("refuses a %s master key with what to set and how to make one", { timeout: 60_000 }, async (_name, env, problem) => {
    const { code, stderr } = await boot(env);
    expect(code).toBe(1);
    expect(stderr).toContain(problem);
    expect(stderr).toContain(HOWTO);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("names the port and GATEWAY_PORT when the port is taken", { timeout: 60_000 }, async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await boot({ TENGINE_MASTER_KEY: SecretBox.generateKey(), GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1" });
      expect(code).toBe(1);
      expect(stderr).toBe(`gateway: cannot listen on 127.0.0.1:${port} (in use); set GATEWAY_PORT or GATEWAY_HOST\n`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

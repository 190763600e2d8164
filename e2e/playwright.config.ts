import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// The browser specs drive the real product, started exactly as `npm start` does, on its own
// ports and data directory, in Debian's Chromium (Playwright cannot download browsers here).
// One data directory per Playwright run (workers import this file too: key it on the run).
export const dataDir = path.join(os.tmpdir(), `tengine-e2e-${process.env.TENGINE_E2E_RUN ??= String(process.pid)}`);
// E2E_PORT_OFFSET moves all the ports, for two Playwright runs on one machine. `mcp` is where
// a spec runs its own MCP server (the SSRF guard allows that local address, as the demo CRM's).
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
// `smtp` is where a spec runs its own SMTP server: the product is started with SMTP pointing there.
export const ports = { gateway: 18081 + offset, dashboard: 13000 + offset, crm: 14010 + offset, mcp: 14020 + offset, smtp: 14030 + offset };
export const urls = { dashboard: `http://127.0.0.1:${ports.dashboard}`, gateway: `http://127.0.0.1:${ports.gateway}` };

export default defineConfig({
  testDir: "./specs",
  outputDir: "../reports/e2e-artifacts",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  use: {
    baseURL: urls.dashboard,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    cwd: "..",
    url: `${urls.dashboard}/api/healthz`,
    timeout: 480_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      TENGINE_DATA_DIR: dataDir,
      GATEWAY_PORT: String(ports.gateway),
      DASHBOARD_PORT: String(ports.dashboard),
      DEMO_CRM_PORT: String(ports.crm),
      UPSTREAM_ALLOWLIST: `127.0.0.1:${ports.mcp}`,
      EMBEDDED_DB_PORT: "0",
      PUBLIC_GATEWAY_URL: urls.gateway,
      PUBLIC_DASHBOARD_URL: urls.dashboard,
      DATABASE_URL: "",
      // Mail to a server only email.spec.ts runs; other specs' mail waits in the outbox.
      SMTP_URL: `smtp://127.0.0.1:${ports.smtp}`,
      SMTP_FROM: "Tengine e2e <no-reply@tengine.test>",
    },
  },
});

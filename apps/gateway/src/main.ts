import { loadGatewayConfig } from "./env.ts";
import { createGateway } from "./http/create-gateway.ts";

// Misconfiguration and a taken port are one clear message and exit 1, not a stack trace.
const config = (() => {
  try {
    return loadGatewayConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const gateway = await createGateway(config);
const port = await gateway.listen().catch((error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE" && error.code !== "EACCES") throw error;
  console.error(`gateway: cannot listen on ${config.host}:${config.port} (${error.code === "EADDRINUSE" ? "in use" : "not permitted"}); set GATEWAY_PORT or GATEWAY_HOST`);
  process.exit(1);
});
gateway.logger.info({ port, publicUrl: config.publicUrl, metrics: `${config.metricsHost}:${gateway.metricsPort}` }, "gateway listening");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    gateway.logger.info({ signal }, "shutting down");
    void gateway.close().finally(() => process.exit(0));
  });
}

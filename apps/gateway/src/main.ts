import { loadGatewayConfig } from "./env.ts";
import { createGateway } from "./http/create-gateway.ts";

const config = loadGatewayConfig();
const gateway = await createGateway(config);
const port = await gateway.listen();
gateway.logger.info({ port, publicUrl: config.publicUrl, metrics: `${config.metricsHost}:${gateway.metricsPort}` }, "gateway listening");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    gateway.logger.info({ signal }, "shutting down");
    void gateway.close().finally(() => process.exit(0));
  });
}

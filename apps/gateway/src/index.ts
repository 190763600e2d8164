export { createGateway, type Gateway } from "./http/create-gateway.ts";
export { loadGatewayConfig, type GatewayConfig } from "./env.ts";

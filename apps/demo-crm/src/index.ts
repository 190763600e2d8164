export { IDEMPOTENCY_TTL_MS, startDemoCrm } from "./server.ts";
export type { DemoCrmOptions, DemoCrmServer, RequestVerifier, VerifyResult } from "./server.ts";
export { DemoStore } from "./store.ts";
export type {
  Company,
  CompanyDetailView,
  CompanyView,
  Contact,
  ContactDetailView,
  ContactView,
  IdempotencyRecord,
  Note,
  RequestLogEntry,
} from "./store.ts";
export { demoCrmTools } from "./tools.ts";
export type { HttpMethod, JsonSchemaObject, JsonValue, ToolAnnotations, ToolAuth, ToolDefinition } from "./tools.ts";
export { buildOpenApiDocument } from "./openapi.ts";
export { ROUTES, routeKey } from "./routes.ts";
export type { RouteSpec } from "./routes.ts";
export { actorOf } from "./identity.ts";

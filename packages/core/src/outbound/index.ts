export { createOutboundClient, type OutboundClient, type OutboundRequest, type SendOptions, type SendResult, type SendSuccess, type SendFailure } from "./outbound-client.ts";
export { mapResponse, mapSendFailure } from "./map-response.ts";
export { checkUpstreamUrl, isForbiddenAddress } from "./ssrf-guard.ts";

export { createOutboundClient, type OutboundClient, type OutboundRequest, type SendOptions, type SendResult, type SendSuccess, type SendFailure } from "./outbound-client.ts";
export { mapResponse, mapSendFailure } from "./map-response.ts";
export { checkUpstreamUrl, isForbiddenAddress, parseUpstreamAllowlist, type UpstreamAllowlist } from "./ssrf-guard.ts";
export { upstreamAllowlistSetting } from "./upstream-allowlist-setting.ts";

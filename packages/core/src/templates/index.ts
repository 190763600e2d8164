export { compileRequestTemplate } from "./compile-request-template.ts";
export { renderRequest } from "./render-request.ts";
export { TemplateError, isTemplateError } from "./template-error.ts";
export type { CompiledRequestTemplate, RenderContext, RenderedRequest, RenderResult, RequestTemplate, JsonValue } from "./types.ts";

import { AppError } from "../errors/app-error.ts";
import type { DocumentServer } from "./generate-tools.ts";

/** Where in the document a problem is: a text position, a JSON pointer, or both. */
export type OpenApiErrorLocation = {
  /** 1-based, in the text as given (JSON and YAML syntax errors). */
  line?: number;
  column?: number;
  /** RFC 6901 pointer into the parsed document, e.g. `/paths/~1pets/get/responses`. */
  pointer?: string;
};

/**
 * A document that cannot be imported at all: not JSON/YAML, not OpenAPI, invalid outside any
 * single operation, no usable base URL, or unreachable. The message names the place
 * ("invalid YAML at line 12, column 3: …", "/paths/~1pets/get/responses: …"), and the location
 * is also on the error for the dashboard to highlight. An `AppError` (`bad_request`), so every
 * boundary maps it to a 400 with its message.
 */
export class OpenApiImportError extends AppError {
  readonly location: OpenApiErrorLocation;
  /** When the base URL cannot be made from the document's server: that server and its variables (the form asks for them). */
  readonly server?: DocumentServer;

  constructor(message: string, location: OpenApiErrorLocation = {}, extra: { server?: DocumentServer } = {}) {
    super("bad_request", message);
    this.name = "OpenApiImportError";
    this.location = location;
    if (extra.server) this.server = extra.server;
  }
}

export function isOpenApiImportError(error: unknown): error is OpenApiImportError {
  return error instanceof OpenApiImportError;
}

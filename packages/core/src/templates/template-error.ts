/**
 * A request template that can never render safely — thrown at definition time by
 * `compileRequestTemplate`. `path` names where: `url`, `method`, `query.limit`,
 * `headers.Authorization`, `body.contact.name`.
 */
export class TemplateError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "TemplateError";
    this.path = path;
  }
}

export function isTemplateError(error: unknown): error is TemplateError {
  return error instanceof TemplateError;
}

/**
 * The demo CRM's route table: the single list the server dispatches on, the OpenAPI document
 * describes and the tests compare against, so the three cannot drift apart.
 */

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface RouteSpec {
  method: HttpMethod;
  /** Path template with `{param}` segments, as in OpenAPI. */
  path: string;
  operationId: string;
  /** Writes honour `Idempotency-Key` and are counted in `store.writes`. */
  write: boolean;
  /** Public routes skip the signature verifier and are left out of the OpenAPI document. */
  public: boolean;
  /** Scope a caller needs, as written into the OpenAPI description (`**Required scope:**`). */
  scope: string | null;
}

function route(method: HttpMethod, path: string, operationId: string, scope: string | null, isPublic = false): RouteSpec {
  return { method, path, operationId, write: method !== "GET", public: isPublic, scope };
}

export const ROUTES: readonly RouteSpec[] = [
  route("GET", "/healthz", "getHealth", null, true),
  route("GET", "/openapi.json", "getOpenApiDocument", null, true),
  route("GET", "/contacts", "searchContacts", "contacts:read"),
  route("POST", "/contacts", "createContact", "contacts:write"),
  route("GET", "/contacts/{id}", "getContact", "contacts:read"),
  route("PATCH", "/contacts/{id}", "updateContact", "contacts:write"),
  route("DELETE", "/contacts/{id}", "deleteContact", "contacts:write"),
  route("POST", "/contacts/{id}/notes", "addContactNote", "contacts:write"),
  route("GET", "/companies", "listCompanies", "companies:read"),
  route("POST", "/companies", "createCompany", "companies:write"),
  route("GET", "/companies/{id}", "getCompany", "companies:read"),
];

/** `"POST /contacts/{id}/notes"` — the key under which requests and writes are counted. */
export function routeKey(r: Pick<RouteSpec, "method" | "path">): string {
  return `${r.method} ${r.path}`;
}

export type RouteMatch =
  | { kind: "found"; route: RouteSpec; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: HttpMethod[] }
  | { kind: "not_found" };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const segments = pathname.split("/");
  const allow: HttpMethod[] = [];
  for (const r of ROUTES) {
    const params = matchPath(r.path, segments);
    if (!params) continue;
    if (r.method === method) return { kind: "found", route: r, params };
    allow.push(r.method);
  }
  return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
}

function matchPath(template: string, segments: string[]): Record<string, string> | undefined {
  const parts = template.split("/");
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = segments[i]!;
    if (part.startsWith("{") && part.endsWith("}")) {
      if (segment === "") return undefined;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

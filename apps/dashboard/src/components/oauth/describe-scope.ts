/**
 * A scope in words for the consent screen (DESIGN §5): `contacts:read` → "Read contacts";
 * `write` implies read, so `contacts:write` → "Read and change contacts".
 */
export function describeScope(scope: string): string {
  const [resource, access] = scope.split(":");
  if (!resource || (access !== "read" && access !== "write")) return scope;
  const words = resource.replace(/[._-]+/g, " ");
  return access === "read" ? `Read ${words}` : `Read and change ${words}`;
}

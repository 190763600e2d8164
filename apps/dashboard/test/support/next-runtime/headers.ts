/**
 * `next/headers` for dashboard tests (vitest.config.ts points the dashboard's imports here):
 * the request's cookies are a jar the test fills, e.g. with a real session cookie signed with
 * the dashboard's NEXTAUTH_SECRET. Everything after the cookie (signature check, database
 * lookups) is the real code.
 */
type Cookie = { name: string; value: string };
const jar = new Map<string, string>();

export const requestCookies = {
  set(name: string, value: string): void {
    jar.set(name, value);
  },
  clear(): void {
    jar.clear();
  },
  get(name: string): string | undefined {
    return jar.get(name);
  },
};

export async function cookies() {
  return {
    get: (name: string): Cookie | undefined => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: (): Cookie[] => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  };
}

export async function headers() {
  return new Headers();
}

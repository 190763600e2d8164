import { PLATFORM_FAMILIES, PLATFORM_FAMILY_NAMES, type PlatformFamily, type PlatformSurface } from "./platform-families.ts";
import { holdsPlatformScope } from "./platform-scopes.ts";
import { listPlatformTool, PlatformTool } from "./platform-tool.ts";
import type { ListedTool } from "../runtime/prepared-tool.ts";

/** One tool per family, shared by every project (they hold no project state). */
const PLATFORM_TOOLS = new Map(PLATFORM_FAMILY_NAMES.map((family) => { const tool = new PlatformTool(family); return [tool.name, tool] as const; }));

/** The platform tool of that name served on this surface, if any. */
export function findPlatformTool(name: string, surface?: PlatformSurface): PlatformTool | undefined {
  const tool = PLATFORM_TOOLS.get(name);
  return tool && (surface === undefined || tool.surface === surface) ? tool : undefined;
}

/**
 * What tools/list shows of the platform tools on a surface: exactly the families the scopes
 * (granted by name) allow, each offering only the actions those scopes allow.
 */
export function listPlatformTools(surface: PlatformSurface, scopes: readonly string[] | null): ListedTool[] {
  const listed: ListedTool[] = [];
  for (const family of PLATFORM_FAMILY_NAMES as PlatformFamily[]) {
    if (PLATFORM_FAMILIES[family].surface !== surface || !holdsPlatformScope(scopes, family, false)) continue;
    listed.push(listPlatformTool(family, { writes: holdsPlatformScope(scopes, family, true) }));
  }
  return listed;
}

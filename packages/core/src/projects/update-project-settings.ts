import { isIP } from "node:net";
import { z } from "zod";
import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "./bump-config-version.ts";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * One allowed upstream host as the SSRF guard compares it (`checkUpstreamUrl` matches the URL's
 * hostname exactly): a DNS name or an IP literal, lower case, IDNs in punycode, IPv6 without
 * brackets. No scheme, port, path or wildcard — the guard would never match them.
 */
export const upstreamHostSchema = z
  .string()
  .trim()
  .min(1, "enter a host name")
  .max(253, "host names are at most 253 characters")
  .transform((raw, ctx) => {
    const value = raw.toLowerCase();
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
      ctx.addIssue({ code: "custom", message: `"${raw}" is a URL: enter the host name only (e.g. api.example.com)` });
      return z.NEVER;
    }
    if (value.includes("*")) {
      ctx.addIssue({ code: "custom", message: `"${raw}": wildcards are not supported; list each host` });
      return z.NEVER;
    }
    const bare = value.replace(/^\[(.*)\]$/, "$1");
    if (isIP(bare) === 6) return bare;
    if (/[/?#@:\s\\]/.test(value)) {
      ctx.addIssue({ code: "custom", message: `"${raw}" is not a host name: no port, path or credentials (e.g. api.example.com)` });
      return z.NEVER;
    }
    let hostname: string;
    try {
      // The WHATWG parser gives the form the guard sees: punycode, dotted IPv4.
      hostname = new URL(`http://${value}/`).hostname;
    } catch {
      ctx.addIssue({ code: "custom", message: `"${raw}" is not a valid host name` });
      return z.NEVER;
    }
    if (isIP(hostname) === 4) return hostname;
    const name = hostname.replace(/\.$/, "");
    if (!name.split(".").every((label) => LABEL.test(label))) {
      ctx.addIssue({ code: "custom", message: `"${raw}" is not a valid host name` });
      return z.NEVER;
    }
    return name;
  });

export const updateProjectSettingsInput = z.object({
  name: z.string().trim().min(1, "give the project a name").max(100, "at most 100 characters").optional(),
  /** Empty: tools may call any host (the SSRF guard still applies). */
  allowedUpstreamHosts: z
    .array(upstreamHostSchema)
    .max(100, "at most 100 hosts")
    .transform((hosts) => [...new Set(hosts)])
    .optional(),
  allowHttpUpstreams: z.boolean().optional(),
  /** Calls without a member identity (DESIGN §7 step 2) are refused. */
  requireMember: z.boolean().optional(),
});

export type ProjectSettings = { name: string; allowedUpstreamHosts: string[]; allowHttpUpstreams: boolean; requireMember: boolean };

const settingsSelect = { name: true, allowedUpstreamHosts: true, allowHttpUpstreams: true, requireMember: true } as const;

/**
 * Changes a project's general settings. Fields left out stay as they are. The configuration
 * version moves in the same transaction, so every gateway replica applies the new host list,
 * http rule and `require_member` on the next call. Returns the settings before and after, and
 * the names of the fields that changed (for the audit log).
 */
export async function updateProjectSettings(db: Db, projectId: string, raw: z.input<typeof updateProjectSettingsInput>) {
  const input = updateProjectSettingsInput.parse(raw);
  return db.$transaction(async (tx) => {
    const before = await tx.project.findFirst({ where: { id: projectId }, select: settingsSelect });
    if (!before) throw new AppError("not_found", "project not found");
    const changed = (Object.keys(input) as Array<keyof ProjectSettings>).filter((key) => input[key] !== undefined && JSON.stringify(input[key]) !== JSON.stringify(before[key]));
    if (changed.length === 0) return { before, after: before, changed };
    const after = await tx.project.update({ where: { id: projectId }, data: Object.fromEntries(changed.map((key) => [key, input[key]])), select: settingsSelect });
    await bumpConfigVersion(tx, projectId);
    return { before, after, changed };
  });
}

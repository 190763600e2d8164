import type { RunPrincipalNames } from "@tengine/core";
import { kindLabel, type PrincipalKind } from "./format.ts";

type RunPrincipal = { principalKind: PrincipalKind; apiKeyId: string | null; memberId: string | null; memberEmail: string | null; userId: string | null; clientId: string | null };

/** Who made a run: the key's name and prefix, the member, or the signed-in user. */
export function PrincipalLabel({ run, names }: { run: RunPrincipal; names: RunPrincipalNames }) {
  const { main, sub, mono } = describePrincipal(run, names);
  return (
    <span className="flex min-w-0 flex-col leading-tight">
      <span className={`truncate ${mono ? "font-mono text-xs" : ""} text-slate-800`}>{main}</span>
      <span className="truncate text-xs text-slate-500">{sub}</span>
    </span>
  );
}

export function describePrincipal(run: RunPrincipal, names: RunPrincipalNames): { main: string; sub: string; mono?: boolean } {
  const kind = kindLabel(run.principalKind);
  switch (run.principalKind) {
    case "api_key": {
      const key = run.apiKeyId ? names.keys[run.apiKeyId] : undefined;
      if (!key) return { main: run.apiKeyId ?? "unknown key", sub: `${kind} · deleted`, mono: true };
      return { main: key.name, sub: `${kind} · ${key.prefix}…${key.revoked ? " · revoked" : ""}` };
    }
    case "member":
      return { main: run.memberEmail ?? run.memberId ?? "unknown member", sub: run.memberEmail && run.memberId ? `${kind} · ${run.memberId}` : kind };
    case "oauth": {
      const user = run.userId ? names.users[run.userId] : undefined;
      return { main: user?.email ?? run.userId ?? "unknown user", sub: run.clientId ? `${kind} · ${run.clientId}` : kind };
    }
    case "dashboard": {
      const user = run.userId ? names.users[run.userId] : undefined;
      return { main: user?.email ?? run.userId ?? "unknown user", sub: `${kind} · Try it` };
    }
    default:
      return { main: kind, sub: "" };
  }
}

"use client";
import { useRouter } from "next/navigation";
import { switchOrgAction } from "@/server/actions/switch-org.ts";

/** Chooses the organization the org-level pages (members, audit log) work on. */
export function OrgSwitcher({ orgs, current }: { orgs: Array<{ slug: string; name: string; role: string }>; current?: string }) {
  const router = useRouter();
  if (orgs.length <= 1) return <span className="truncate text-sm text-slate-600">{orgs[0]?.name}</span>;
  return (
    <select
      aria-label="Organization"
      defaultValue={current}
      className="rounded-md border-0 bg-transparent py-1 pl-2 pr-7 text-sm text-slate-700 ring-1 ring-inset ring-slate-200"
      onChange={async (e) => {
        await switchOrgAction(e.target.value);
        router.refresh();
      }}
    >
      {orgs.map((o) => (
        <option key={o.slug} value={o.slug}>{o.name}</option>
      ))}
    </select>
  );
}

"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, useActionForm } from "@/components/ui/index.ts";
import { setKeyToolsetsAction } from "@/server/actions/mcp-servers.ts";

/** The toolsets one API key asks for: the servers activated "on request" it sees. */
export function KeyToolsetsForm({ slug, keyId, label, toolsets, servers }: { slug: string; keyId: string; label: string; toolsets: string[]; servers: string[] }) {
  const router = useRouter();
  const { error, pending, submit } = useActionForm();
  const [notice, setNotice] = useState<string>();
  return (
    <form
      noValidate
      className="flex flex-wrap items-center gap-2"
      aria-label={`Toolsets of ${label}`}
      onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const result = await submit(() => setKeyToolsetsAction(slug, { keyId, toolsets: String(data.get("toolsets") ?? "") }));
        setNotice(result?.message);
        if (result) router.refresh();
      }}
    >
      <input
        name="toolsets"
        defaultValue={toolsets.join(", ")}
        placeholder={servers.join(", ")}
        aria-label={`${label} toolsets`}
        aria-invalid={!!error || undefined}
        spellCheck={false}
        className="block w-72 rounded-md border-0 bg-white px-2 py-1 text-xs text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid=true]:ring-red-500"
      />
      <Button type="submit" size="sm" variant="secondary" pending={pending} aria-label={`Save toolsets of ${label}`}>
        Save
      </Button>
      {error ? <span role="alert" className="text-[11px] text-red-600">{error}</span> : null}
      {notice ? <span role="status" className="text-[11px] text-slate-600">{notice}</span> : null}
    </form>
  );
}

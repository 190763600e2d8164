"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, useActionForm } from "@/components/ui/index.ts";
import { setMcpToolSettingAction } from "@/server/actions/mcp-servers.ts";

export type McpToolRow = {
  name: string;
  upstreamName: string;
  renamed?: string;
  disabled: boolean;
  readOnly: boolean;
  requiresApproval: boolean;
  requiredScopes: string[];
  /** the admin set the scopes (otherwise they are the default for read-only or not) */
  customScopes: boolean;
  /** the admin set the name (otherwise `<server>_<tool>`, or a collision's resolution) */
  customName: boolean;
};

const input = "block w-full rounded-md border-0 bg-white px-2 py-1 text-xs text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid=true]:ring-red-500";

/** One row per tool of a server: enabled, its name in the project, scopes, read-only, approval; saved per tool. */
export function McpToolSettings({ slug, server, tools, canManage }: { slug: string; server: string; tools: McpToolRow[]; canManage: boolean }) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={`Tools of ${server}`}>
        <thead>
          <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
            <th className="px-3 py-2">Tool on the server</th>
            <th className="px-3 py-2">Enabled</th>
            <th className="px-3 py-2">Name in the project</th>
            <th className="px-3 py-2">Required scopes</th>
            <th className="px-3 py-2">Read-only</th>
            <th className="px-3 py-2">Approval on every call</th>
            <th className="px-3 py-2"><span className="sr-only">Save</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tools.map((tool) => (
            <ToolRow key={tool.upstreamName} slug={slug} server={server} tool={tool} canManage={canManage} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ToolRow({ slug, server, tool, canManage }: { slug: string; server: string; tool: McpToolRow; canManage: boolean }) {
  const router = useRouter();
  const { error, fields, pending, submit } = useActionForm();
  const [notice, setNotice] = useState<string>();
  const formId = `mcp-tool-${server}-${tool.upstreamName}`;
  return (
    <tr className={tool.disabled ? "bg-slate-50 text-slate-500" : undefined} aria-label={`Tool ${tool.upstreamName}`}>
      <td className="px-3 py-2 font-mono text-xs">
        {tool.upstreamName}
        {tool.disabled ? <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-[10px] font-sans uppercase text-slate-600">disabled</span> : null}
        {tool.renamed ? <p className="mt-1 font-sans text-[11px] text-amber-700">{tool.renamed}</p> : null}
      </td>
      <td className="px-3 py-2">
        <input form={formId} type="checkbox" name="enabled" defaultChecked={!tool.disabled} disabled={!canManage} aria-label={`${tool.upstreamName} enabled`} className="h-4 w-4 rounded border-slate-300" />
      </td>
      <td className="px-3 py-2">
        <input form={formId} name="name" defaultValue={tool.customName ? tool.name : ""} placeholder={tool.customName ? "" : tool.name} disabled={!canManage} maxLength={64} aria-label={`${tool.upstreamName} name`} aria-invalid={!!fields.name || undefined} className={input} />
        {fields.name ? <p role="alert" className="mt-1 text-[11px] text-red-600">{fields.name}</p> : null}
      </td>
      <td className="px-3 py-2">
        <input form={formId} name="scopes" defaultValue={tool.customScopes ? tool.requiredScopes.join(" ") : ""} placeholder={tool.customScopes ? "" : tool.requiredScopes.join(" ")} disabled={!canManage} aria-label={`${tool.upstreamName} required scopes`} aria-invalid={!!fields.scopes || undefined} className={input} />
      </td>
      <td className="px-3 py-2">
        <input form={formId} type="checkbox" name="readOnly" defaultChecked={tool.readOnly} disabled={!canManage} aria-label={`${tool.upstreamName} read-only`} className="h-4 w-4 rounded border-slate-300" />
      </td>
      <td className="px-3 py-2">
        <input form={formId} type="checkbox" name="requiresApproval" defaultChecked={tool.requiresApproval} disabled={!canManage} aria-label={`${tool.upstreamName} requires approval`} className="h-4 w-4 rounded border-slate-300" />
      </td>
      <td className="px-3 py-2 text-right">
        {canManage ? (
          <form
            id={formId}
            noValidate
            className="inline-flex items-center gap-2"
            onSubmit={async (event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              const result = await submit(() =>
                setMcpToolSettingAction(slug, {
                  server,
                  tool: tool.upstreamName,
                  enabled: data.get("enabled") === "on",
                  name: String(data.get("name") ?? ""),
                  scopes: String(data.get("scopes") ?? ""),
                  readOnly: data.get("readOnly") === "on",
                  requiresApproval: data.get("requiresApproval") === "on",
                }),
              );
              setNotice(result?.message);
              if (result) router.refresh();
            }}
          >
            {error ? <span role="alert" className="max-w-xs whitespace-normal text-left text-[11px] text-red-600">{error}</span> : null}
            {notice ? <span role="status" className="text-[11px] text-slate-600">{notice}</span> : null}
            <Button type="submit" size="sm" variant="secondary" pending={pending} aria-label={`Save ${tool.upstreamName}`}>
              Save
            </Button>
          </form>
        ) : null}
      </td>
    </tr>
  );
}

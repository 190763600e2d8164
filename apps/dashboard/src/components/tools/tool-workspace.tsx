"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Card, ConfirmButton } from "@/components/ui/index.ts";
import { deleteToolAction } from "@/server/actions/tools.ts";
import { type EditorTool, ToolEditor } from "./tool-editor.tsx";
import { TryItPanel } from "./try-it-panel.tsx";

/** The edit page: the editor, and beside it (below on phones) Try it and deleting. */
export function ToolWorkspace({ slug, tool, canEdit, initialArgs }: { slug: string; tool: EditorTool; canEdit: boolean; initialArgs?: string }) {
  const router = useRouter();
  const [dirty, setDirty] = useState(false);
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)] lg:items-start">
      <ToolEditor slug={slug} tool={tool} readOnly={!canEdit} onDirtyChange={setDirty} />
      <div className="space-y-6">
        {canEdit ? (
          <TryItPanel key={`${tool.name}:${JSON.stringify(tool.inputSchema)}`} slug={slug} toolName={tool.name} inputSchema={tool.inputSchema} enabled={tool.enabled} unsaved={dirty} initialArgs={initialArgs} />
        ) : (
          <Card title="Try it">
            <p className="text-sm text-slate-500">Members of the organization can run tools from here. You are a viewer.</p>
          </Card>
        )}
        {canEdit ? (
          <Card title="Delete tool" description="AI clients can no longer list or call it. Its runs stay in the history.">
            <ConfirmButton
              title={`Delete ${tool.name}?`}
              body={<>Clients calling <code className="font-mono">{tool.name}</code> will get “unknown tool” from their next call. This cannot be undone.</>}
              confirmLabel="Delete tool"
              onConfirm={async () => {
                const result = await deleteToolAction(slug, { toolId: tool.id });
                if (!result.ok) return result.error;
                router.push(`/projects/${slug}/tools`);
                router.refresh();
              }}
            >
              Delete tool
            </ConfirmButton>
          </Card>
        ) : null}
      </div>
    </div>
  );
}

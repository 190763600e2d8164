"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, Field, FormError, Input, Select, Textarea, useActionForm } from "@/components/ui/index.ts";
import { setToolDiscoveryAction } from "@/server/actions/settings.ts";

export type ToolDiscoveryValues = { mode: "list" | "search" | "auto" | "families"; threshold: number; pinned: string[] };

const MODES: Array<{ value: ToolDiscoveryValues["mode"]; label: string; hint: string }> = [
  { value: "list", label: "List every tool", hint: "tools/list returns every tool the caller may call." },
  { value: "auto", label: "Search above a threshold", hint: "List while a caller can call at most the threshold's number of tools; search above it." },
  { value: "search", label: "Search", hint: "tools/list returns the pinned tools and tengine_search_tools, tengine_describe_tools and tengine_call_tool." },
  { value: "families", label: "One tool per family", hint: "One tool per OpenAPI tag: its action argument names the operation. Tools without a tag are listed as they are." },
];

const names = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** The discovery mode, the auto threshold and the pinned tools (one name per line). */
export function ToolDiscoveryForm({ slug, initial, readOnly }: { slug: string; initial: ToolDiscoveryValues; readOnly: boolean }) {
  const router = useRouter();
  const [mode, setMode] = useState(initial.mode);
  const [threshold, setThreshold] = useState(String(initial.threshold));
  const [pinned, setPinned] = useState(initial.pinned.join("\n"));
  const { error, fields, pending, submit } = useActionForm();
  const [saved, setSaved] = useState<string>();
  const stored = JSON.stringify(initial);
  useEffect(() => {
    const next = JSON.parse(stored) as ToolDiscoveryValues;
    setMode(next.mode);
    setThreshold(String(next.threshold));
    setPinned(next.pinned.join("\n"));
  }, [stored]);
  const dirty = mode !== initial.mode || threshold.trim() !== String(initial.threshold) || names(pinned).join("\n") !== initial.pinned.join("\n");
  const pinError = fields.pinnedTools ?? Object.entries(fields).find(([key]) => key.startsWith("pinnedTools."))?.[1];

  return (
    <form
      className="space-y-5 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      aria-label="Tool discovery"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(undefined);
        const result = await submit(() => setToolDiscoveryAction(slug, { toolDiscovery: mode, toolDiscoveryThreshold: Number(threshold.trim()), pinnedTools: names(pinned) }));
        if (!result) return;
        setSaved(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <fieldset disabled={readOnly} className="space-y-5">
        <Field label="Discovery mode" htmlFor="tool-discovery-mode" error={fields.toolDiscovery} hint={MODES.find((m) => m.value === mode)?.hint}>
          <Select id="tool-discovery-mode" name="toolDiscovery" value={mode} onChange={(e) => setMode(e.target.value as ToolDiscoveryValues["mode"])}>
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </Select>
        </Field>
        {mode === "auto" ? (
          <Field label="Threshold (tools)" htmlFor="tool-discovery-threshold" error={fields.toolDiscoveryThreshold} hint="Search once a caller could call more tools than this. Default 60.">
            <Input id="tool-discovery-threshold" name="toolDiscoveryThreshold" inputMode="numeric" className="max-w-[10rem]" value={threshold} onChange={(e) => setThreshold(e.target.value)} invalid={!!fields.toolDiscoveryThreshold} />
          </Field>
        ) : null}
        <Field label="Pinned tools" htmlFor="tool-discovery-pinned" error={pinError} hint="One tool name per line. Listed in every mode, to callers that may call them.">
          <Textarea id="tool-discovery-pinned" name="pinnedTools" rows={3} value={pinned} onChange={(e) => setPinned(e.target.value)} spellCheck={false} invalid={!!pinError} />
        </Field>
      </fieldset>
      {readOnly ? null : (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          <Button type="submit" pending={pending} disabled={!dirty}>Save tool discovery</Button>
          {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
        </div>
      )}
    </form>
  );
}

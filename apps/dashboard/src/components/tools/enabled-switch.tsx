"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { setToolEnabledAction } from "@/server/actions/tools.ts";

/**
 * A tool's on/off switch. Flips at once (optimistic), then saves; on failure it flips back and
 * says why. Disabled tools vanish from tools/list and cannot be called.
 */
export function EnabledSwitch({ slug, toolId, toolName, enabled, readOnly }: { slug: string; toolId: string; toolName: string; enabled: boolean; readOnly?: boolean }) {
  const router = useRouter();
  const [on, setOn] = useState(enabled);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const label = `${toolName} enabled`;
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label={label}
        title={readOnly ? "Members and above can turn tools on or off" : on ? "Enabled: listed and callable" : "Disabled: hidden from tools/list"}
        disabled={readOnly || pending}
        onClick={() => {
          const next = !on;
          setOn(next);
          setError(undefined);
          startTransition(async () => {
            const result = await setToolEnabledAction(slug, { toolId, enabled: next });
            if (!result.ok) {
              setOn(!next);
              setError(result.error);
              return;
            }
            router.refresh();
          });
        }}
        className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed ${on ? "bg-indigo-600" : "bg-slate-300"} ${readOnly ? "opacity-60" : ""}`}
      >
        <span aria-hidden className={`inline-block h-4 w-4 rounded-full bg-white shadow transition-transform ${on ? "translate-x-4" : "translate-x-0.5"}`} />
      </button>
      {error ? <span role="alert" className="text-xs text-red-600">{error}</span> : null}
    </span>
  );
}

"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, ConfirmButton } from "@/components/ui/index.ts";
import { refreshMcpServerAction, removeMcpServerAction } from "@/server/actions/mcp-servers.ts";

/** Refresh (list the tools now) and Remove, for admins. */
export function McpServerButtons({ slug, name }: { slug: string; name: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string>();
  return (
    <span className="inline-flex items-center gap-3">
      {message ? <span className="text-xs text-slate-600" role="status">{message}</span> : null}
      <Button
        size="sm"
        variant="secondary"
        pending={pending}
        aria-label={`Refresh ${name}`}
        onClick={async () => {
          setPending(true);
          const result = await refreshMcpServerAction(slug, { name });
          setPending(false);
          setMessage(result.ok ? result.message : result.error);
          router.refresh();
        }}
      >
        Refresh
      </Button>
      <ConfirmButton
        size="sm"
        variant="secondary"
        className="text-red-700!"
        aria-label={`Remove ${name}`}
        title={`Remove ${name}?`}
        confirmLabel="Remove server"
        body={<p>Its tools disappear from every gateway at their next call, and its stored credentials are deleted. Its runs stay in the history.</p>}
        onConfirm={async () => {
          const result = await removeMcpServerAction(slug, { name });
          if (!result.ok) return result.error;
          router.refresh();
        }}
      >
        Remove
      </ConfirmButton>
    </span>
  );
}

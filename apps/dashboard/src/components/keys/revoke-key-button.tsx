"use client";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/components/ui/index.ts";
import { revokeKeyAction } from "@/server/actions/keys.ts";

export function RevokeKeyButton({ slug, keyId, name, prefix }: { slug: string; keyId: string; name: string; prefix: string }) {
  const router = useRouter();
  return (
    <ConfirmButton
      size="sm"
      variant="secondary"
      className="text-red-700!"
      aria-label={`Revoke ${name}`}
      title={`Revoke ${name}?`}
      confirmLabel="Revoke key"
      body={
        <>
          <p>
            Calls with <code className="font-mono text-xs">{prefix}…</code> fail with 401 at once, on every gateway, including member sessions minted with
            it. Its runs stay in the history.
          </p>
          <p className="mt-2">This cannot be undone: create a new key to restore access.</p>
        </>
      }
      onConfirm={async () => {
        const result = await revokeKeyAction(slug, { keyId });
        if (!result.ok) return result.error;
        router.refresh();
      }}
    >
      Revoke
    </ConfirmButton>
  );
}

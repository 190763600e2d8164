"use client";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/components/ui/index.ts";
import { revokeMyConnectionAction, revokeProjectConnectionAction } from "@/server/actions/oauth-connections.ts";

/**
 * Revokes one connection after a confirmation. `slug` set: from the project's OAuth page (admins
 * any connection, others their own); unset: from "My connections".
 */
export function RevokeConnectionButton({ connectionId, clientName, userLabel, slug }: { connectionId: string; clientName: string; userLabel: string; slug?: string }) {
  const router = useRouter();
  return (
    <ConfirmButton
      size="sm"
      variant="secondary"
      className="text-red-700!"
      aria-label={`Revoke ${clientName} for ${userLabel}`}
      title={`Revoke ${clientName}?`}
      confirmLabel="Revoke connection"
      body={
        <>
          <p>
            {clientName}&apos;s access and refresh tokens for {userLabel} stop working at once, on every gateway. Its runs stay in the history.
          </p>
          <p className="mt-2">To use the client again, {userLabel === "you" ? "you" : "they"} connect it again and approve the consent screen.</p>
        </>
      }
      onConfirm={async () => {
        const result = slug ? await revokeProjectConnectionAction(slug, { connectionId }) : await revokeMyConnectionAction({ connectionId });
        if (!result.ok) return result.error;
        router.refresh();
      }}
    >
      Revoke
    </ConfirmButton>
  );
}

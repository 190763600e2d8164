"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Badge, Button, ConfirmButton, EmptyState, FormError, Table, Td } from "@/components/ui/index.ts";
import { createSigningSecretAction, retireSigningSecretAction } from "@/server/actions/settings.ts";
import { OneTimeSecret } from "./one-time-secret.tsx";

export type SigningSecretRow = { id: string; createdAt: string; retiredAt: string | null };

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const when = (iso: string) => `${dateTime.format(new Date(iso))} UTC`;

/**
 * The project's RFC 9421 signing secrets. The gateway signs with the OLDER active secret, so a
 * new one can be deployed to the verifier before it is used; retiring the older one switches.
 */
export function SigningSecrets({ slug, secrets, canManage }: { slug: string; secrets: SigningSecretRow[]; canManage: boolean }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ keyid: string; secret: string; first: boolean }>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const active = secrets.filter((s) => !s.retiredAt);
  const signing = active[0];

  async function create() {
    setPending(true);
    setError(undefined);
    const result = await createSigningSecretAction(slug, {});
    setPending(false);
    if (!result.ok) return setError(result.error);
    if (result.data) setCreated({ ...result.data, first: active.length === 0 });
    router.refresh();
  }

  return (
    <div className="space-y-4">
      {created ? (
        <OneTimeSecret label={`New signing secret ${created.keyid}`} value={created.secret} onDone={() => setCreated(undefined)}>
          {created.first ? (
            <>The gateway signs with it from the next call. Configure your API&apos;s verifier with keyid <code className="font-mono">{created.keyid}</code> and this secret.</>
          ) : (
            <>Add it to your API&apos;s verifier under keyid <code className="font-mono">{created.keyid}</code>, then retire the older secret: the gateway keeps signing with the older one until you do.</>
          )}
        </OneTimeSecret>
      ) : null}
      <FormError message={error} />

      {secrets.length === 0 ? (
        <EmptyState
          title="No signing secrets yet"
          action={canManage ? <Button type="button" onClick={create} pending={pending}>Create signing secret</Button> : undefined}
        >
          Tools whose outbound auth includes HMAC need one: the gateway signs each request with it and your API checks the signature with <code className="font-mono">verifyRequest()</code> from <code className="font-mono">@tengine/sdk</code>.
          {canManage ? null : " An admin can create it."}
        </EmptyState>
      ) : (
        <>
          <Table head={["Secret", "Status", <span key="a" className="relative"><span className="sr-only">Actions</span></span>]}>
            {secrets.map((s) => (
              <tr key={s.id} className={s.retiredAt ? "bg-slate-50/60" : undefined}>
                <Td>
                  <div className={`font-mono text-xs ${s.retiredAt ? "text-slate-500" : "text-slate-900"}`}>{s.id}</div>
                  <div className="mt-0.5 text-xs text-slate-500">created {when(s.createdAt)}</div>
                </Td>
                <Td>
                  {s.retiredAt ? (
                    <>
                      <Badge>retired</Badge>
                      <div className="mt-0.5 text-xs text-slate-500">{when(s.retiredAt)}</div>
                    </>
                  ) : (
                    <span className="inline-flex items-center gap-1.5">
                      <Badge color="green">active</Badge>
                      {s.id === signing?.id ? <Badge color="blue">signing</Badge> : <Badge color="amber">standby</Badge>}
                    </span>
                  )}
                </Td>
                <Td>
                  <div className="flex justify-end whitespace-normal text-left">
                    {canManage && !s.retiredAt ? (
                      <ConfirmButton
                        size="sm"
                        variant="secondary"
                        title={`Retire ${s.id}?`}
                        confirmLabel="Retire secret"
                        aria-label={`Retire ${s.id}`}
                        body={<RetireExplanation retiring={s.id} signing={signing?.id} other={active.find((a) => a.id !== s.id)?.id} />}
                        onConfirm={async () => {
                          const result = await retireSigningSecretAction(slug, { keyid: s.id });
                          if (!result.ok) return result.error;
                          setError(undefined);
                          router.refresh();
                        }}
                      >
                        Retire
                      </ConfirmButton>
                    ) : null}
                  </div>
                </Td>
              </tr>
            ))}
          </Table>
          {canManage ? (
            <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
              <Button type="button" variant="secondary" onClick={create} pending={pending} className="shrink-0 whitespace-nowrap">Create signing secret</Button>
              <p className="text-xs text-slate-500">
                {active.length >= 2
                  ? "Two secrets are active, the most a project can have. The gateway signs with the older one; the standby one takes over when you retire it."
                  : active.length === 1
                    ? "To rotate: create a new secret, deploy it to your API, then retire the old one."
                    : "No secret is active: tools that sign their requests fail until you create one."}
              </p>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}

function RetireExplanation({ retiring, signing, other }: { retiring: string; signing?: string; other?: string }) {
  if (retiring === signing && other) {
    return (
      <div className="space-y-2">
        <p>From the next call on, the gateway signs with <code className="break-all font-mono">{other}</code>.</p>
        <p>Make sure your API already verifies with <code className="break-all font-mono">{other}</code>, or its signature checks will fail. Keep accepting <code className="break-all font-mono">{retiring}</code> for 5 more minutes: requests signed just before now may still be in flight.</p>
      </div>
    );
  }
  if (retiring === signing) {
    return (
      <div className="space-y-2">
        <p>This is the project&apos;s only active secret. After retiring it, tools that sign their requests fail (nothing is sent) until you create a new one.</p>
        <p>Retired secrets cannot be reactivated.</p>
      </div>
    );
  }
  return <p>The gateway keeps signing with <code className="break-all font-mono">{signing}</code>; this newer secret will never be used. Retired secrets cannot be reactivated.</p>;
}

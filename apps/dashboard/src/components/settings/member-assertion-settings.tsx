"use client";
import type { MemberAssertionStatus } from "@tengine/core";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Badge, Button, ConfirmButton, CopyButton, Field, FormError, Textarea } from "@/components/ui/index.ts";
import { clearMemberAssertionAction, generateMemberAssertionSecretAction, setMemberAssertionJwkAction } from "@/server/actions/settings.ts";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { Callout } from "./settings-section.tsx";

type Mode = "secret" | "jwk";

const JWK_PLACEHOLDER = `{
  "kty": "EC",
  "crv": "P-256",
  "x": "…",
  "y": "…",
  "kid": "backend-2025"
}`;

/**
 * The key member assertions are verified with: a generated HS256 secret (shown once) or the
 * customer's public JWK. One at a time; the stored secret is never shown again.
 */
export function MemberAssertionSettings({ slug, status, canManage }: { slug: string; status: MemberAssertionStatus; canManage: boolean }) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>(status.kind === "jwk" ? "jwk" : "secret");
  const [secret, setSecret] = useState<string>();
  const [jwk, setJwk] = useState("");
  const [jwkError, setJwkError] = useState<string>();
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [pending, setPending] = useState(false);
  const groupName = useId();

  async function generate(): Promise<string | void> {
    setError(undefined);
    setMessage(undefined);
    const result = await generateMemberAssertionSecretAction(slug, {});
    if (!result.ok) return result.error;
    setSecret(result.data?.secret);
    router.refresh();
  }

  async function saveJwk(): Promise<string | void> {
    setError(undefined);
    setMessage(undefined);
    const result = await setMemberAssertionJwkAction(slug, { jwk });
    if (!result.ok) {
      if (result.fieldErrors?.jwk) {
        setJwkError(result.fieldErrors.jwk);
        return;
      }
      return result.error;
    }
    setJwkError(undefined);
    setJwk("");
    setMessage(result.message);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <div className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <CurrentKey status={status} />
        {canManage && status.kind !== "none" ? (
          <div className="mt-4 border-t border-slate-100 pt-4">
            <ConfirmButton
              size="sm"
              variant="secondary"
              title="Remove the member assertion key?"
              confirmLabel="Remove key"
              body={<p>Your backend can no longer exchange member assertions for session tokens, and member sessions already minted stop working. Projects that require a member identity then refuse every tool call.</p>}
              onConfirm={async () => {
                const result = await clearMemberAssertionAction(slug, {});
                if (!result.ok) return result.error;
                setMessage(result.message);
                router.refresh();
              }}
            >
              Remove key
            </ConfirmButton>
          </div>
        ) : null}
      </div>

      {secret ? (
        <OneTimeSecret label="Member assertion secret (HS256)" value={secret} onDone={() => setSecret(undefined)}>
          Store it with your backend (for example as <code className="font-mono">TENGINE_MEMBER_SECRET</code>) and sign member assertions with it using HS256.
        </OneTimeSecret>
      ) : null}
      <FormError message={error} />
      {message ? <p role="status" className="text-sm text-emerald-700">{message}</p> : null}

      {canManage ? (
        <div className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">How does your backend sign member assertions?</legend>
            <div className="mt-3 grid gap-3 sm:grid-cols-2">
              <ModeOption name={groupName} value="secret" checked={mode === "secret"} onChange={setMode} title="Shared secret (HS256)" text="We generate a secret; your backend and the gateway both hold it." />
              <ModeOption name={groupName} value="jwk" checked={mode === "jwk"} onChange={setMode} title="Public key (ES256 / EdDSA)" text="Your backend keeps the private key; you paste the public JWK here." />
            </div>
          </fieldset>

          <div className="mt-5">
            {mode === "secret" ? (
              status.kind === "secret" ? (
                <div className="space-y-3">
                  <p className="text-sm text-slate-600">A secret is configured. Rotating replaces it at once; there is no overlap period.</p>
                  <ConfirmButton
                    title="Rotate the member assertion secret?"
                    confirmLabel="Rotate secret"
                    body={
                      <div className="space-y-2">
                        <p>A new secret replaces the current one immediately. Assertions signed with the old secret are refused from now on, and existing member sessions stop working: end users have to get a new session from your backend.</p>
                        <p>Update your backend with the new secret right away.</p>
                      </div>
                    }
                    onConfirm={generate}
                  >
                    Rotate secret
                  </ConfirmButton>
                </div>
              ) : status.kind === "jwk" ? (
                <div className="space-y-3">
                  <p className="text-sm text-slate-600">A public key is configured. Generating a secret replaces it.</p>
                  <ConfirmButton
                    title="Switch to a shared secret?"
                    confirmLabel="Generate secret"
                    body={<p>The public key is removed: assertions signed with your private key are refused from now on, and existing member sessions stop working. Your backend must sign with the new secret (HS256).</p>}
                    onConfirm={generate}
                  >
                    Generate secret
                  </ConfirmButton>
                </div>
              ) : (
                <div className="space-y-3">
                  <p className="text-sm text-slate-600">32 random bytes, shown once. You can rotate it later.</p>
                  <Button
                    type="button"
                    pending={pending}
                    onClick={async () => {
                      setPending(true);
                      const problem = await generate();
                      setPending(false);
                      if (problem) setError(problem);
                    }}
                  >
                    Generate secret
                  </Button>
                </div>
              )
            ) : (
              <form
                className="space-y-3"
                onSubmit={async (event) => {
                  event.preventDefault();
                  setPending(true);
                  const problem = await saveJwk();
                  setPending(false);
                  if (problem) setError(problem);
                }}
              >
                <Field
                  label="Public key (JWK)"
                  htmlFor="member-jwk"
                  error={jwkError}
                  hint={<>An EC P-256 key (ES256) or an OKP Ed25519 key (EdDSA), public part only: never paste a key with a <code className="font-mono">&quot;d&quot;</code> member.</>}
                >
                  <Textarea id="member-jwk" name="jwk" rows={7} value={jwk} onChange={(e) => setJwk(e.target.value)} placeholder={JWK_PLACEHOLDER} spellCheck={false} invalid={!!jwkError} aria-describedby={jwkError ? "member-jwk-error" : undefined} />
                </Field>
                {status.kind === "none" ? (
                  <Button type="submit" pending={pending} disabled={!jwk.trim()}>Save public key</Button>
                ) : (
                  <ConfirmButton
                    variant="primary"
                    disabled={!jwk.trim()}
                    title={status.kind === "jwk" ? "Replace the public key?" : "Switch to a public key?"}
                    confirmLabel="Save public key"
                    body={<p>{status.kind === "jwk" ? "The current public key is replaced" : "The shared secret is deleted"}: assertions signed with the old key are refused from now on, and existing member sessions stop working.</p>}
                    onConfirm={saveJwk}
                  >
                    Save public key
                  </ConfirmButton>
                )}
              </form>
            )}
          </div>
        </div>
      ) : (
        <p className="text-sm text-slate-500">An admin of the organization can change this key.</p>
      )}
    </div>
  );
}

function CurrentKey({ status }: { status: MemberAssertionStatus }) {
  if (status.kind === "none") {
    return (
      <div className="flex items-start gap-3">
        <span className="shrink-0 whitespace-nowrap"><Badge>not configured</Badge></span>
        <p className="text-sm text-slate-600">Member sessions cannot be minted for this project yet. Choose how your backend signs assertions below.</p>
      </div>
    );
  }
  if (status.kind === "secret") {
    return (
      <div className="flex flex-wrap items-center gap-2">
        <Badge color="green">configured</Badge>
        <span className="text-sm font-medium text-slate-900">Shared secret</span>
        <Badge color="blue">HS256</Badge>
        <span className="text-sm text-slate-500">The secret was shown once when it was generated and cannot be displayed.</span>
      </div>
    );
  }
  const json = JSON.stringify(status.jwk, null, 2);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Badge color="green">configured</Badge>
        <span className="text-sm font-medium text-slate-900">Public key</span>
        <Badge color="blue">{status.alg}</Badge>
        <Badge>{status.crv}</Badge>
        {status.kid ? <span className="text-sm text-slate-500">kid <code className="font-mono">{status.kid}</code></span> : null}
      </div>
      <p className="break-all text-xs text-slate-500">
        SHA-256 thumbprint (RFC 7638): <code className="font-mono text-slate-700">{status.thumbprint}</code>
      </p>
      <Callout>
        <div className="flex items-start justify-between gap-3">
          <pre className="min-w-0 overflow-x-auto font-mono text-xs">{json}</pre>
          <CopyButton value={json} label="Copy JWK" />
        </div>
      </Callout>
    </div>
  );
}

function ModeOption({ name, value, checked, onChange, title, text }: { name: string; value: Mode; checked: boolean; onChange: (mode: Mode) => void; title: string; text: string }) {
  return (
    <label className={`flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-inset ${checked ? "bg-indigo-50/60 ring-2 ring-indigo-600" : "ring-slate-200 hover:bg-slate-50"}`}>
      <input type="radio" name={name} value={value} checked={checked} onChange={() => onChange(value)} className="mt-0.5 h-4 w-4 border-slate-300 text-indigo-600 focus:ring-indigo-600" />
      <span>
        <span className="block text-sm font-medium text-slate-900">{title}</span>
        <span className="block text-xs text-slate-500">{text}</span>
      </span>
    </label>
  );
}

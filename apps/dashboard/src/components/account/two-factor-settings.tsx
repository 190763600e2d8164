"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, CopyButton, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { confirmTotpAction, disableTotpAction, startTotpAction, type TotpEnrolment } from "@/server/actions/two-factor.ts";

/**
 * Two-factor sign-in on the Account page: set up (scan the QR code or type the secret, confirm
 * with a code), the recovery codes shown once, and turning it off with a code.
 */
export function TwoFactorSettings({ enabled, recoveryCodesLeft }: { enabled: boolean; recoveryCodesLeft: number }) {
  const router = useRouter();
  const [enrolment, setEnrolment] = useState<TotpEnrolment>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [code, setCode] = useState("");
  const [done, setDone] = useState<string>();
  const { error, fields, pending, submit } = useActionForm();

  if (recoveryCodes) {
    return (
      <section aria-label="Recovery codes" className="max-w-md space-y-3 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <p role="status" className="text-sm font-medium text-emerald-700">Two-factor sign-in is on.</p>
        <p className="text-sm text-slate-700">
          Keep these recovery codes somewhere safe. Each one signs you in once if you lose your authenticator app. They are shown only now.
        </p>
        <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-1 rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-200">
          {recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <div className="flex gap-2">
          <CopyButton value={recoveryCodes.join("\n")} label="Copy codes" />
          <Button type="button" variant="secondary" onClick={() => { setRecoveryCodes(undefined); router.refresh(); }}>
            I saved them
          </Button>
        </div>
      </section>
    );
  }

  if (enabled) {
    return (
      <form
        aria-label="Turn off two-factor sign-in"
        className="max-w-md space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await submit(() => disableTotpAction({ code }));
          if (!result) return;
          setCode("");
          setDone(result.message);
          router.refresh();
        }}
      >
        <p className="text-sm text-slate-700">
          <span className="font-medium text-emerald-700">On.</span> Signing in asks for a code from your authenticator app. {recoveryCodesLeft} recovery {recoveryCodesLeft === 1 ? "code" : "codes"} left.
        </p>
        <FormError message={error} />
        <Field label="Code to turn it off" htmlFor="totp-off-code" error={fields.code} hint="The code your app shows now, or a recovery code.">
          <Input id="totp-off-code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} invalid={!!fields.code} />
        </Field>
        <Button type="submit" variant="secondary" pending={pending} disabled={!code.trim()}>Turn off two-factor sign-in</Button>
      </form>
    );
  }

  if (!enrolment) {
    return (
      <div className="max-w-md space-y-3 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <p className="text-sm text-slate-700">Off. Add a code from an authenticator app (1Password, Google Authenticator, Authy…) to every sign-in with your password.</p>
        {done ? <p role="status" className="text-sm text-emerald-700">{done}</p> : null}
        <FormError message={error} />
        <Button
          type="button"
          pending={pending}
          onClick={async () => {
            const result = await submit(() => startTotpAction());
            if (result?.data) setEnrolment(result.data);
          }}
        >
          Set up two-factor sign-in
        </Button>
      </div>
    );
  }

  return (
    <form
      aria-label="Set up two-factor sign-in"
      className="max-w-md space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await submit(() => confirmTotpAction({ code }));
        if (!result?.data) return;
        setCode("");
        setEnrolment(undefined);
        setRecoveryCodes(result.data.recoveryCodes);
      }}
    >
      <p className="text-sm text-slate-700">1. Scan this code with your authenticator app.</p>
      {/* An <img> of the SVG: the markup is never injected into the page. */}
      <img src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`} alt="QR code of the two-factor secret" width={176} height={176} className="rounded-md ring-1 ring-slate-200" />
      <div className="space-y-1 text-sm text-slate-700">
        <p>Or enter this secret by hand (time-based, 6 digits):</p>
        <div className="flex items-center gap-2">
          <code data-testid="totp-secret" className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-900">{enrolment.secret}</code>
          <CopyButton value={enrolment.secret} label="Copy" />
        </div>
        <details className="text-xs text-slate-500">
          <summary className="cursor-pointer">Setup link</summary>
          <code data-testid="totp-uri" className="mt-1 block break-all font-mono">{enrolment.uri}</code>
        </details>
      </div>
      <FormError message={error} />
      <Field label="2. Code from the app" htmlFor="totp-code" error={fields.code}>
        <Input id="totp-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} invalid={!!fields.code} />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" pending={pending} disabled={!code.trim()}>Turn on</Button>
        <Button type="button" variant="secondary" onClick={() => { setEnrolment(undefined); setCode(""); }}>Cancel</Button>
      </div>
    </form>
  );
}

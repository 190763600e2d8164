"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Field, FormError, Input } from "@/components/ui/index.ts";
import { TWO_FACTOR_REQUIRED } from "@/components/account/two-factor-required.ts";

export function LoginForm({ callbackUrl, oidcName, initialError }: { callbackUrl: string; oidcName?: string; initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);
  // After the right password of an account with two-factor sign-in: the code field.
  const [needCode, setNeedCode] = useState(false);
  return (
    <div className="space-y-4">
      <form
        className="space-y-4"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          setPending(true);
          setError(undefined);
          const code = needCode ? String(form.get("code") ?? "").trim() : "";
          const result = await signIn("credentials", { email: form.get("email"), password: form.get("password"), ...(code ? { code } : {}), redirect: false });
          setPending(false);
          if (result?.ok) router.push(callbackUrl);
          else if (result?.error === TWO_FACTOR_REQUIRED) {
            setError(needCode ? "Enter the code from your authenticator app." : undefined);
            setNeedCode(true);
          } else setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong email or password.");
        }}
      >
        <FormError message={error} />
        <Field label="Email" htmlFor="email">
          <Input id="email" name="email" type="email" autoComplete="email" required autoFocus />
        </Field>
        <Field label="Password" htmlFor="password">
          <Input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        {needCode ? (
          <Field label="Authentication code" htmlFor="code" hint="The 6-digit code your authenticator app shows, or a recovery code.">
            <Input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" required autoFocus />
          </Field>
        ) : null}
        <Button type="submit" className="w-full" pending={pending}>Sign in</Button>
      </form>
      {oidcName ? (
        <Button type="button" variant="secondary" className="w-full" onClick={() => signIn("oidc", { callbackUrl })}>
          Continue with {oidcName}
        </Button>
      ) : null}
    </div>
  );
}

"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Field, FormError, Input } from "@/components/ui/index.ts";
import { signUpAction } from "@/server/actions/sign-up.ts";

export function SignUpForm() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  return (
    <form
      className="space-y-4"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), organization: String(form.get("organization") ?? "") };
        setPending(true);
        const result = await signUpAction(input);
        if (!result.ok) {
          setPending(false);
          setError(result.error);
          setFields(result.fieldErrors ?? {});
          return;
        }
        const signedIn = await signIn("credentials", { email: input.email, password: input.password, redirect: false });
        if (!signedIn?.ok) {
          // Sign-up answers the same whether or not the email had an account; only this password can tell.
          setPending(false);
          setError("We could not sign you in with this password. If this email already has an account, sign in with that account's password.");
          return;
        }
        router.push("/projects");
      }}
    >
      <FormError message={error} />
      <Field label="Your name" htmlFor="name" error={fields.name}>
        <Input id="name" name="name" autoComplete="name" invalid={!!fields.name} />
      </Field>
      <Field label="Work email" htmlFor="email" error={fields.email}>
        <Input id="email" name="email" type="email" autoComplete="email" required invalid={!!fields.email} />
      </Field>
      <Field label="Password" htmlFor="password" hint="At least 10 characters." error={fields.password}>
        <Input id="password" name="password" type="password" autoComplete="new-password" required invalid={!!fields.password} />
      </Field>
      <Field label="Organization" htmlFor="organization" hint="Your company or team." error={fields.organization}>
        <Input id="organization" name="organization" required invalid={!!fields.organization} />
      </Field>
      <Button type="submit" className="w-full" pending={pending}>Create account</Button>
    </form>
  );
}

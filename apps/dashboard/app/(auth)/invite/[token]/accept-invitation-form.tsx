"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { acceptInvitationAction } from "@/server/actions/invitations.ts";

/** Accepting: a new person names themselves and chooses a password (then is signed in); an existing account confirms. */
export function AcceptInvitationForm({ token, email, mode }: { token: string; email: string; mode: "new" | "signed-in" }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const { error, fields, pending, submit } = useActionForm();
  return (
    <form
      aria-label="Accept invitation"
      className="space-y-4"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await submit(() => acceptInvitationAction(token, mode === "new" ? { name, password } : {}));
        if (!result) return;
        if (mode === "new") await signIn("credentials", { email, password, redirect: false });
        router.push("/projects");
        router.refresh();
      }}
    >
      <FormError message={error} />
      {mode === "new" ? (
        <>
          <Field label="Your name" htmlFor="invite-name">
            <Input id="invite-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Choose a password" htmlFor="invite-password" hint="At least 10 characters." error={fields.password}>
            <Input id="invite-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} invalid={!!fields.password} />
          </Field>
        </>
      ) : null}
      <Button type="submit" pending={pending} disabled={mode === "new" && !password}>{mode === "new" ? "Join" : "Accept invitation"}</Button>
    </form>
  );
}

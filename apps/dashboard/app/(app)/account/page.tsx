import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/account/change-password-form.tsx";
import { PageHeader } from "@/components/ui/index.ts";
import { requireUser } from "@/server/session.ts";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${user.email}.`} />
      <h2 className="mb-3 text-lg font-semibold">Password</h2>
      <ChangePasswordForm />
    </>
  );
}

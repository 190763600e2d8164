import { twoFactorStatus } from "@tengine/core";
import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/account/change-password-form.tsx";
import { TwoFactorSettings } from "@/components/account/two-factor-settings.tsx";
import { getDb } from "@/server/db.ts";
import { PageHeader } from "@/components/ui/index.ts";
import { requireUser } from "@/server/session.ts";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  const twoFactor = await twoFactorStatus(getDb(), user.id);
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${user.email}.`} />
      <h2 className="mb-3 text-lg font-semibold">Password</h2>
      <ChangePasswordForm />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Two-factor sign-in</h2>
      <TwoFactorSettings enabled={twoFactor.enabled} recoveryCodesLeft={twoFactor.recoveryCodesLeft} />
    </>
  );
}

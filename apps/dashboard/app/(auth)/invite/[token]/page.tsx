import { readInvitation } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/server/db.ts";
import { currentUser } from "@/server/session.ts";
import { AcceptInvitationForm } from "./accept-invitation-form.tsx";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

const CLOSED: Record<string, string> = {
  unknown: "This invitation link is not valid. Check that you copied all of it.",
  accepted: "This invitation was already used. Sign in with the account that accepted it.",
  revoked: "This invitation was withdrawn. Ask an admin of the organization for a new one.",
  expired: "This invitation expired. Ask an admin of the organization for a new one.",
};

/** Where an invitation link lands: join with a new password, or with the account one has. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = /^[A-Za-z0-9]{16,64}$/.test(token) ? await readInvitation(getDb(), token) : ({ state: "unknown" } as const);
  if (invitation.state !== "open") {
    return (
      <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="mb-2 text-lg font-semibold">Invitation</h1>
        <p role="alert" className="text-sm text-slate-600">{CLOSED[invitation.state]}</p>
        <p className="mt-5 text-sm"><Link href="/login" className="font-medium text-indigo-600 hover:underline">Sign in</Link></p>
      </div>
    );
  }
  const user = invitation.hasAccount ? await currentUser() : null;
  return (
    <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h1 className="mb-1 text-lg font-semibold">Join {invitation.org.name}</h1>
      <p className="mb-5 text-sm text-slate-500">
        You are invited as {invitation.role === "admin" || invitation.role === "owner" ? "an" : "a"} {invitation.role}, with the email {invitation.email}.
      </p>
      {!invitation.hasAccount ? (
        <AcceptInvitationForm token={token} email={invitation.email} mode="new" />
      ) : user?.email === invitation.email ? (
        <AcceptInvitationForm token={token} email={invitation.email} mode="signed-in" />
      ) : (
        <p className="text-sm text-slate-600">
          {invitation.email} already has an account. <Link href={`/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className="font-medium text-indigo-600 hover:underline">Sign in as {invitation.email}</Link>, then open this link again to accept.
        </p>
      )}
    </div>
  );
}

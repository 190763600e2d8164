"use client";
import { signOut } from "next-auth/react";

/** Signs out and returns to the sign-in page, which then comes back to `returnTo`. */
export function SwitchAccountButton({ returnTo }: { returnTo: string }) {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: `/login?${new URLSearchParams({ callbackUrl: returnTo })}` })}
      className="font-medium text-indigo-600 hover:underline"
    >
      Use another account
    </button>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { SignUpForm } from "./signup-form.tsx";

export const metadata: Metadata = { title: "Create an account" };

export default function SignUpPage() {
  return (
    <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h1 className="mb-1 text-lg font-semibold">Create an account</h1>
      <p className="mb-5 text-sm text-slate-500">You get an organization of your own; invite your team later.</p>
      <SignUpForm />
      <p className="mt-5 text-center text-sm text-slate-500">
        Have an account? <Link href="/login" className="font-medium text-indigo-600 hover:underline">Sign in</Link>
      </p>
    </div>
  );
}

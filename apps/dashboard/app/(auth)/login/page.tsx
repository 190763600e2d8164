import type { Metadata } from "next";
import Link from "next/link";
import { dashboardConfig } from "@/server/env.ts";
import { signInErrorMessage } from "@/server/sign-in-errors.ts";
import { LoginForm } from "./login-form.tsx";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const oidc = dashboardConfig().oidc;
  return (
    <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h1 className="mb-5 text-lg font-semibold">Sign in</h1>
      <LoginForm callbackUrl={isLocalPath(callbackUrl) ? callbackUrl : "/projects"} oidcName={oidc?.name} initialError={signInErrorMessage(error)} />
      <p className="mt-5 text-center text-sm text-slate-500">
        New here? <Link href="/signup" className="font-medium text-indigo-600 hover:underline">Create an account</Link>
      </p>
    </div>
  );
}

/** Only paths of this site: "//host" and "/\\host" are other origins to a browser (open redirect). */
function isLocalPath(url: string | undefined): url is string {
  return url !== undefined && url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\");
}

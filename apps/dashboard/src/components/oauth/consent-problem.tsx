import Link from "next/link";
import type { ReactNode } from "react";

/**
 * What the consent page shows instead of the form: an unknown, expired or decided request, or
 * a user outside the project's organization. It never sends the browser anywhere.
 */
export function ConsentProblem({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
      <div className="mt-2 space-y-2 text-sm text-slate-600">{children}</div>
      <Link href="/projects" className="mt-5 inline-block text-sm font-medium text-indigo-600 hover:underline">
        Go to your projects
      </Link>
    </div>
  );
}

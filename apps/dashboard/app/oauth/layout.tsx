import type { ReactNode } from "react";

/** OAuth screens stand alone (no app navigation): the user arrives here from an AI client. */
export default function OAuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <p className="mb-8 text-center text-xl font-semibold tracking-tight">tengine</p>
        {children}
      </div>
    </main>
  );
}

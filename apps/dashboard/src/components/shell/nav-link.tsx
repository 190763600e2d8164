"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** A navigation link that marks itself current (aria-current) when its section is open. */
export function NavLink({ href, exact, children, variant = "top" }: { href: string; exact?: boolean; children: ReactNode; variant?: "top" | "tab" }) {
  const pathname = usePathname();
  const active = exact ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
  const styles =
    variant === "tab"
      ? `whitespace-nowrap border-b-2 px-1 pb-3 text-sm font-medium ${active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700"}`
      : `rounded-md px-2.5 py-1.5 text-sm font-medium ${active ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900"}`;
  return (
    <Link href={href} aria-current={active ? "page" : undefined} className={styles}>
      {children}
    </Link>
  );
}

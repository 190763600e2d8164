"use client";
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useRef } from "react";

/**
 * The top bar's links on a phone: one "Menu" button that opens them as a list (a native
 * <details>, so it works before scripts load and with the keyboard), closed again after each
 * navigation.
 */
export function MobileMenu({ children }: { children: ReactNode }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [pathname]);
  return (
    <details ref={menu} className="group relative ml-auto sm:hidden">
      <summary className="flex cursor-pointer list-none items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 [&::-webkit-details-marker]:hidden">
        <span aria-hidden>☰</span> Menu
      </summary>
      <nav aria-label="Menu" className="absolute right-0 z-20 mt-2 flex w-56 flex-col gap-1 rounded-lg bg-white p-2 shadow-lg ring-1 ring-slate-200">
        {children}
      </nav>
    </details>
  );
}

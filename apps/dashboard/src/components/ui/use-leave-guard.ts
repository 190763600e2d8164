"use client";
import { useEffect } from "react";

export const LEAVE_WITH_UNSAVED = "You have unsaved changes. Leave this page and lose them?";

/**
 * While `active`, leaving the page asks first: closing the tab or reloading (the browser's own
 * prompt), and following any link inside the app — a Next.js <Link> navigates on the client, so
 * `beforeunload` never fires for it. The click is caught on the document in the capture phase,
 * before React's own listener at the root sees it, and dropped unless the person confirms.
 */
export function useLeaveGuard(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const unload = (event: BeforeUnloadEvent) => event.preventDefault();
    const click = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element | null)?.closest?.("a[href]");
      if (!(link instanceof HTMLAnchorElement) || link.target === "_blank" || link.hasAttribute("download")) return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin || (to.pathname === window.location.pathname && to.search === window.location.search)) return;
      if (window.confirm(LEAVE_WITH_UNSAVED)) return;
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener("beforeunload", unload);
    document.addEventListener("click", click, true);
    return () => {
      window.removeEventListener("beforeunload", unload);
      document.removeEventListener("click", click, true);
    };
  }, [active]);
}

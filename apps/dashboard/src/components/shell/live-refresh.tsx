"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

const FASTEST_MS = 1_500;
const SLOWEST_MS = 10_000;

/**
 * Keeps a page current without a reload: polls the project's pulse while the tab is visible and
 * re-renders the page's server data (router.refresh, which keeps what people are typing) when it
 * changes. Polling slows down while nothing happens and after errors, and stops in hidden tabs;
 * coming back to the tab checks at once. `pulse` is the project's pulse read by the page's server
 * render before its data, so a change made between that render and the first check is not
 * taken for the starting point (it would never show).
 */
export function LiveRefresh({ slug, pulse }: { slug: string; pulse: string }) {
  const router = useRouter();
  const [live, setLive] = useState(false);
  useEffect(() => {
    let last: string | undefined = pulse;
    let delay = FASTEST_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = () => {
      if (!stopped) timer = setTimeout(tick, delay);
    };
    async function tick() {
      clearTimeout(timer);
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch(`/api/projects/${encodeURIComponent(slug)}/pulse`, { cache: "no-store" });
        if (!response.ok) throw new Error(String(response.status));
        const { pulse: now } = (await response.json()) as { pulse: string };
        setLive(true);
        if (last !== undefined && now !== last) {
          router.refresh();
          delay = FASTEST_MS;
        } else {
          delay = Math.min(delay * 1.3, SLOWEST_MS);
        }
        last = now;
      } catch {
        setLive(false);
        delay = SLOWEST_MS;
      }
      schedule();
    }
    const onVisible = () => {
      if (document.visibilityState === "visible") {
        delay = FASTEST_MS;
        void tick();
      }
    };
    void tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [slug, pulse, router]);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500" title={live ? "This page updates by itself" : "Live updates paused"}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${live ? "bg-emerald-500" : "bg-slate-300"}`} />
      {live ? "Live" : "Paused"}
    </span>
  );
}

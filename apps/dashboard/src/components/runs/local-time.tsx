"use client";
import { useEffect, useState } from "react";

const OPTIONS = {
  short: { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
  full: { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hourCycle: "h23", timeZoneName: "short" },
  date: { year: "numeric", month: "short", day: "numeric" },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/**
 * A timestamp in the reader's own time zone. The server renders it in UTC (it cannot know the
 * browser's zone); the browser swaps in local time right after hydration.
 */
export function LocalTime({ iso, format = "short" }: { iso: string; format?: keyof typeof OPTIONS }) {
  const [local, setLocal] = useState<string>();
  useEffect(() => {
    setLocal(new Intl.DateTimeFormat("en", OPTIONS[format]).format(new Date(iso)));
  }, [iso, format]);
  const text = local ?? `${new Intl.DateTimeFormat("en", { ...OPTIONS[format], timeZone: "UTC" }).format(new Date(iso))}${format === "full" ? "" : " UTC"}`;
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}

import { UsageSkeleton } from "@/components/overview/usage-skeleton.tsx";

/** The overview's skeleton while the project loads (the project header stays in place). */
export default function Loading() {
  return (
    <div className="space-y-8" data-page-loading>
      <div className="h-[19rem] animate-pulse rounded-lg bg-white shadow-sm ring-1 ring-slate-200" />
      <div className="space-y-4">
        <div className="flex items-center justify-between">
          <div className="h-12 w-48 animate-pulse rounded bg-slate-200/70" />
          <div className="h-8 w-56 animate-pulse rounded-md bg-slate-200/70" />
        </div>
        <UsageSkeleton />
      </div>
    </div>
  );
}

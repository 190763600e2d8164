import Link from "next/link";

export default function NotFound() {
  return (
    <div className="py-20 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-500">It does not exist, or it belongs to an organization you are not in.</p>
      <Link href="/projects" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">Back to projects</Link>
    </div>
  );
}

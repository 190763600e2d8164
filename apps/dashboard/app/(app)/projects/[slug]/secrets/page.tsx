import { listProjectSecrets, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import { relativeTime } from "@/components/runs/format.ts";
import { SecretsScreen } from "@/components/secrets/secrets-screen.tsx";
import { PageHeader } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";

export const metadata: Metadata = { title: "Secrets" };

export default async function SecretsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, role } = await loadProject(slug);
  const secrets = await listProjectSecrets(getDb(), project.id);
  const now = Date.now();
  return (
    <>
      <PageHeader title="Secrets" description="Values that tool headers use as {{secrets.NAME}}, such as an upstream API token. They are encrypted, never shown again, and redacted from every run." />
      <SecretsScreen slug={project.slug} canEdit={roleAtLeast(role, "admin")} secrets={secrets.map((s) => ({ name: s.name, usedBy: s.usedBy, updatedAgo: relativeTime(s.updatedAt, now) }))} />
    </>
  );
}

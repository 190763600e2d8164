import { getMemberAssertionStatus, getToolDiscovery, listSigningSecrets, readRateLimits, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import { GeneralSettingsForm } from "@/components/settings/general-settings-form.tsx";
import { MemberAssertionSettings } from "@/components/settings/member-assertion-settings.tsx";
import { RateLimitsForm } from "@/components/settings/rate-limits-form.tsx";
import { DeleteProjectForm } from "@/components/settings/delete-project-form.tsx";
import { RunRetentionForm } from "@/components/settings/run-retention-form.tsx";
import { SettingsSection } from "@/components/settings/settings-section.tsx";
import { SigningSecrets } from "@/components/settings/signing-secrets.tsx";
import { ToolDiscoveryForm } from "@/components/settings/tool-discovery-form.tsx";
import { Code } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Settings" };

export default async function ProjectSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, role } = await loadProject(slug);
  const db = getDb();
  const [secrets, memberAssertion, limitsRow, discovery] = await Promise.all([
    listSigningSecrets(db, project.id),
    getMemberAssertionStatus(db, project.id),
    db.project.findUniqueOrThrow({ where: { id: project.id }, select: { rateLimits: true, runRetentionDays: true } }),
    getToolDiscovery(db, project.id),
  ]);
  const limits = readRateLimits(limitsRow.rateLimits);
  const canManage = roleAtLeast(role, "admin");
  const gateway = dashboardConfig().gatewayUrl;

  return (
    <div>
      <PageReady />
      {canManage ? null : (
        <p className="mb-2 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-600">
          You are {role === "member" ? "a member" : "a viewer"} of this organization: you can see the settings, and an admin can change them.
        </p>
      )}
      <SettingsSection id="general" title="General" description={<p>The project&apos;s name and the rules every tool call must follow before anything is sent upstream.</p>}>
        <GeneralSettingsForm
          slug={project.slug}
          readOnly={!canManage}
          initial={{ name: project.name, allowedUpstreamHosts: project.allowedUpstreamHosts, allowHttpUpstreams: project.allowHttpUpstreams, requireMember: project.requireMember }}
        />
      </SettingsSection>

      <SettingsSection
        id="signing"
        title="Signing secrets"
        description={
          <>
            <p>Requests of tools with HMAC outbound auth carry an RFC 9421 HTTP Message Signature, so your API can check they come from the gateway, unchanged and not replayed.</p>
            <p>Two secrets can be active during a rotation. The gateway always signs with the older one; retiring it switches to the newer one.</p>
          </>
        }
      >
        <SigningSecrets slug={project.slug} canManage={canManage} secrets={secrets.map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), retiredAt: s.retiredAt?.toISOString() ?? null }))} />
      </SettingsSection>

      <SettingsSection
        id="member-assertions"
        title="Member assertions"
        description={
          <>
            <p>
              Your backend vouches for each end user with a short-lived JWT (<Code>sub</Code> = member id, <Code>exp</Code> at most 5 minutes ahead, <Code>aud</Code> = <Code>{gateway}</Code>) and exchanges it for a member session token at <Code>POST /v1/member-sessions</Code>.
            </p>
            <p>This is the key the gateway verifies those assertions with.</p>
          </>
        }
      >
        <MemberAssertionSettings slug={project.slug} status={memberAssertion} canManage={canManage} />
      </SettingsSection>

      <SettingsSection
        id="rate-limits"
        title="Rate limits"
        description={
          <>
            <p>At most this many tool calls per window (sliding), counted across every gateway replica. A refused call gets a tool error saying when to retry, and a rate-limited run; nothing is sent upstream.</p>
            <p>Limits are checked in the order project, key or member, tool.</p>
          </>
        }
      >
        <RateLimitsForm
          slug={project.slug}
          readOnly={!canManage}
          initial={{ project: limits?.project ?? null, principal: limits?.principal ?? null, tool: limits?.tool ?? null, failOpen: limits?.failOpen ?? true }}
        />
      </SettingsSection>

      <SettingsSection
        id="tool-discovery"
        title="Tool discovery"
        description={<p>How MCP clients find this project&apos;s tools. With hundreds of tools, listing them all costs a model many tokens before it starts; search mode lists three built-ins that search, describe and call them instead.</p>}
      >
        <ToolDiscoveryForm slug={project.slug} readOnly={!canManage} initial={discovery} />
      </SettingsSection>

      <SettingsSection id="retention" title="Run retention" description={<p>How long the run history of this project is kept.</p>}>
        <RunRetentionForm slug={project.slug} initialDays={limitsRow.runRetentionDays} readOnly={!canManage} />
      </SettingsSection>

      {canManage ? (
        <SettingsSection id="delete" title="Delete project" description={<p>Remove the project and everything in it.</p>}>
          <DeleteProjectForm slug={project.slug} name={project.name} />
        </SettingsSection>
      ) : null}
    </div>
  );
}

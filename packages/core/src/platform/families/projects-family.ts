import { setApprovalPolicy } from "../../approvals/set-approval-policy.ts";
import { AppError } from "../../errors/app-error.ts";
import { readRateLimits } from "../../limits/check-rate-limits.ts";
import type { RateLimitsInput } from "../../limits/rate-limits.ts";
import { setRateLimits } from "../../limits/set-rate-limits.ts";
import { getOAuthPolicy, setOAuthPolicy } from "../../oauth/set-oauth-policy.ts";
import { createProject } from "../../projects/create-project.ts";
import { updateProjectSettings } from "../../projects/update-project-settings.ts";
import { createSigningSecret, listSigningSecrets, retireSigningSecret } from "../../signing/signing-secrets.ts";
import { getProjectUsage, usageRangeSchema } from "../../usage/get-project-usage.ts";
import type { PlatformAnswer, PlatformCall, PlatformHandler } from "../platform-call.ts";
import { requireData, requireId } from "./family-input.ts";

const projectFields = { id: true, name: true, slug: true, createdAt: true, approvalPolicy: true, mcpEnabled: true, requireMember: true, allowHttpUpstreams: true, allowedUpstreamHosts: true, runRetentionDays: true } as const;

/**
 * `tengine.platform/projects` (organization endpoint): the organization's projects and their
 * settings, through the same core functions as the dashboard's settings pages. `project_id`
 * (id or slug) selects a project of this organization; any other is not found.
 */
export const projectsFamily: PlatformHandler = async (call) => {
  const { db, org, args } = call;
  if (args.action === "list") return { data: { projects: await db.project.findMany({ where: { orgId: org.id }, orderBy: { id: "asc" }, select: projectFields }) } };
  if (args.action === "create" && !args.subresource) {
    const data = requireData(call);
    const project = await createProject(db, { ...data, orgId: org.id } as Parameters<typeof createProject>[1]);
    return { data: { project: { id: project.id, name: project.name, slug: project.slug } }, audit: { action: "project.create", targetType: "project", targetId: project.id, projectId: project.id, details: { name: project.name, slug: project.slug } } };
  }
  const project = await findProject(call);
  if (args.action === "get") return { data: { project: project.slug, ...(await readSubresource(call, project)) } };
  return changeSubresource(call, project);
};

type TargetProject = { id: string; slug: string };

async function findProject(call: PlatformCall): Promise<TargetProject> {
  const ref = call.args.project_id;
  if (!ref) throw new AppError("bad_request", `action ${call.args.action} needs project_id: the project's id (prj_…) or slug`);
  const project = await call.db.project.findFirst({ where: { orgId: call.org.id, ...(ref.startsWith("prj_") ? { id: ref } : { slug: ref }) }, select: { id: true, slug: true } });
  if (!project) throw new AppError("not_found", `project ${ref} not found`);
  return project;
}

async function readSubresource(call: PlatformCall, project: TargetProject): Promise<Record<string, unknown>> {
  const { db, args } = call;
  switch (args.subresource) {
    case undefined:
    case "settings":
      return { settings: await db.project.findUniqueOrThrow({ where: { id: project.id }, select: projectFields }) };
    case "rate_limits":
      return { rate_limits: readRateLimits((await db.project.findUniqueOrThrow({ where: { id: project.id }, select: { rateLimits: true } })).rateLimits) };
    case "approval_policy":
      return { approval_policy: (await db.project.findUniqueOrThrow({ where: { id: project.id }, select: { approvalPolicy: true } })).approvalPolicy };
    case "oauth_policy":
      return { oauth_policy: await getOAuthPolicy(db, project.id) };
    case "signing_secrets":
      return { signing_secrets: await listSigningSecrets(db, project.id) };
    case "usage": {
      const range = usageRangeSchema.safeParse(args.filters?.range ?? "24h");
      if (!range.success) throw new AppError("bad_request", "filters.range must be one of: 24h, 7d");
      return { usage: await getProjectUsage(db, project.id, { range: range.data }) };
    }
  }
  throw new AppError("bad_request", `unknown subresource ${args.subresource}`);
}

async function changeSubresource(call: PlatformCall, project: TargetProject): Promise<PlatformAnswer> {
  const { db, secretBox, args } = call;
  const target = { targetType: "project", targetId: project.id, projectId: project.id };
  if (args.subresource === "signing_secrets") {
    if (args.action === "create") {
      const created = await createSigningSecret(db, secretBox, project.id);
      return { data: { ...created, note: "The secret is shown once, in this answer: deploy it to your verifier now." }, secret: true, audit: { action: "signing_secret.create", targetType: "signing_secret", targetId: created.keyid, projectId: project.id } };
    }
    if (args.action === "rotate") {
      // A rotation's first step, as in the dashboard: the successor is created (the gateway keeps
      // signing with the older active secret until it is retired, so verifiers never miss a key).
      const signing = (await listSigningSecrets(db, project.id)).find((s) => !s.retiredAt)?.id ?? null;
      const created = await createSigningSecret(db, secretBox, project.id);
      const note = signing
        ? `The secret is shown once, in this answer. The gateway keeps signing with ${signing}: deploy ${created.keyid} to your verifier, then retire ${signing} (action update, subresource signing_secrets, id ${signing}).`
        : "The secret is shown once, in this answer. The project had no active secret: this one signs from now on.";
      return { data: { ...created, signing_with: signing ?? created.keyid, retire_next: signing, note }, secret: true, audit: { action: "signing_secret.create", targetType: "signing_secret", targetId: created.keyid, projectId: project.id, details: { rotation: true, retireNext: signing } } };
    }
    // update retires the signing secret `id` names (project_id picks the project, id the secret)
    const retire = requireId(call, "the signing secret's keyid (sig_…) to retire");
    const retired = await retireSigningSecret(db, project.id, retire);
    return { data: { ...retired }, audit: { action: "signing_secret.retire", targetType: "signing_secret", targetId: retire, projectId: project.id } };
  }
  const data = requireData(call);
  switch (args.subresource) {
    case undefined:
    case "settings": {
      const { before, after, changed } = await updateProjectSettings(db, project.id, data);
      const pick = (s: typeof before) => Object.fromEntries(changed.map((k) => [k, s[k]]));
      return { data: { settings: after, changed }, audit: changed.length ? { action: "project.settings_update", ...target, details: { changed, before: pick(before), after: pick(after) } } : {} };
    }
    case "rate_limits": {
      const { before, after } = await setRateLimits(db, project.id, (data.limits ?? null) as RateLimitsInput | null);
      return { data: { rate_limits: after }, audit: { action: "project.rate_limits_set", ...target, details: { before, after } } };
    }
    case "approval_policy": {
      // An API key's explicit platform.projects:write is the grant; a person is held to their role.
      const result = await setApprovalPolicy(db, { projectId: project.id, actor: call.actor, role: call.role ?? "admin", policy: String(data.policy) });
      return { data: { approval_policy: result.after }, audit: { recorded: true } };
    }
    case "oauth_policy": {
      const result = await setOAuthPolicy(db, { ...data, projectId: project.id, actor: call.actor });
      return { data: { oauth_policy: result.after, changed: result.changed }, audit: { recorded: true } };
    }
  }
  throw new AppError("bad_request", `unknown subresource ${args.subresource}`);
}

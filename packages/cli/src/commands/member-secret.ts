import { setMemberAssertionSecret } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { audit, projectBySlug, projectOption } from "./shared.ts";

const create = defineCommand<{ project: string }>({
  name: "create",
  summary: "generate the HS256 secret backends sign member assertions with; shown only once",
  details: "Replaces any previous secret or public key: member sessions minted under it end at their next call.",
  options: [projectOption],
  examples: ["tengine member-secret create --project acme-crm"],
  json: '{ secret, alg: "HS256", note }',
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const { secret } = await setMemberAssertionSecret(ctx.db, await ctx.secretBox(), project.id);
    await audit(ctx, project, { action: "member_assertion.secret_set", targetType: "project", targetId: project.id });
    print(json, { secret, alg: "HS256", note: "shown only now; existing member sessions of this project end at their next call" });
  },
});

export const memberSecretGroup = defineGroup({ name: "member-secret", summary: "the HS256 secret backends sign member assertions with (docs/member-sessions.md)", commands: [create] });

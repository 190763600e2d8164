import { approvalsGroup } from "./commands/approvals.ts";
import { auditGroup } from "./commands/audit.ts";
import { completionCommand } from "./commands/completion.ts";
import { gatewayKeysGroup } from "./commands/gateway-keys.ts";
import { keysGroup } from "./commands/keys.ts";
import { limitsGroup } from "./commands/limits.ts";
import { memberSecretGroup } from "./commands/member-secret.ts";
import { mcpServersGroup } from "./commands/mcp-servers.ts";
import { membersGroup } from "./commands/members.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { connectionsGroup, policyGroup } from "./commands/oauth.ts";
import { openapiGroup } from "./commands/openapi.ts";
import { projectsGroup } from "./commands/projects.ts";
import { runsGroup } from "./commands/runs.ts";
import { secretsGroup } from "./commands/secrets.ts";
import { signingSecretsGroup } from "./commands/signing-secrets.ts";
import { toolsGroup } from "./commands/tools.ts";
import { usageCommand } from "./commands/usage.ts";
import type { EntryDef } from "./framework/define.ts";

/**
 * Every command of `tengine`, in the order of `--help` and docs/cli.md. A new command group is
 * one file in commands/ exporting a defineGroup(...) and one line here; `npm run docs:cli`
 * then regenerates docs/cli.md (a test fails while it differs).
 */
export const COMMANDS: EntryDef[] = [
  migrateCommand,
  projectsGroup,
  membersGroup,
  toolsGroup,
  openapiGroup,
  mcpServersGroup,
  runsGroup,
  approvalsGroup,
  usageCommand,
  auditGroup,
  keysGroup,
  signingSecretsGroup,
  secretsGroup,
  memberSecretGroup,
  limitsGroup,
  policyGroup,
  connectionsGroup,
  gatewayKeysGroup,
  completionCommand,
];

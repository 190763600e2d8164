import type { Db } from "@tengine/db";
import { isUniqueViolation } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { checkToolDefinition } from "./check-tool-definition.ts";
import { definitionColumns } from "./definition-columns.ts";
import type { ToolDefinitionInput } from "./tool-definition.ts";
import { toToolView } from "./to-tool-view.ts";

/** Validates a definition completely (schema, templates, scopes) before anything is stored. */
export async function createTool(db: Db, secretBox: SecretBox, projectId: string, input: ToolDefinitionInput, source?: { kind: "openapi"; importId: string; operationId: string }) {
  const def = checkToolDefinition(input);
  const secret = def.auth.type === "bearer" || def.auth.type === "bearer+hmac" ? def.auth.token : def.auth.type === "header" ? def.auth.value : undefined;
  try {
    const id = newId("tool");
    const row = await db.$transaction(async (tx) => {
      const created = await tx.tool.create({
        data: {
          id,
          projectId,
          ...definitionColumns(def),
          authSecretEnc: secret ? secretBox.encrypt(secret, secretAd.toolAuthSecret(id)) : null,
          source: source?.kind ?? "manual",
          importId: source?.importId ?? null,
          operationId: source?.operationId ?? null,
        },
      });
      await bumpConfigVersion(tx, projectId);
      return created;
    });
    return toToolView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `a tool named "${def.name}" already exists in this project`);
    throw error;
  }
}

import type { Command } from "commander";
import { AppError, listGatewayKeys, reencryptSecrets, retireGatewayKey, rotateGatewayKey, SecretBox, SecretUnreadableError } from "@tengine/core";
import { openContext } from "../context.ts";
import { cliEnv, previousMasterKeys } from "../env.ts";
import { print } from "../output.ts";

/**
 * `tengine secrets rotate-master-key` and `tengine gateway-keys list|rotate|retire`: the
 * documented ways to rotate TENGINE_MASTER_KEY and the gateway's token-signing keys
 * (docs/operations.md, "Key rotation").
 */
export function registerKeyRotationCommands(program: Command, json: () => boolean) {
  const secrets = program.commands.find((c) => c.name() === "secrets") ?? program.command("secrets");
  secrets
    .command("rotate-master-key")
    .description(
      "re-encrypt every stored secret under TENGINE_MASTER_KEY_NEW (read with TENGINE_MASTER_KEY and TENGINE_PREVIOUS_MASTER_KEYS), in one transaction; without TENGINE_MASTER_KEY_NEW, re-encrypt under TENGINE_MASTER_KEY (upgrades v1 ciphertexts to row-bound v2)",
    )
    .action(
      withContext(async (ctx) => {
        const current = await ctx.secretBox();
        const next = cliEnv.TENGINE_MASTER_KEY_NEW;
        const to = next ? parseBox(next, "TENGINE_MASTER_KEY_NEW") : current;
        // The new key is also a reading key, so running the command twice is harmless.
        const from = next ? new SecretBox(requireMasterKey(), { previousKeys: [...previousMasterKeys(), next] }) : current;
        let result;
        try {
          result = await reencryptSecrets(ctx.db, { from, to });
        } catch (error) {
          if (error instanceof SecretUnreadableError) throw new AppError("unprocessable", `${error.message}: set TENGINE_MASTER_KEY (and TENGINE_PREVIOUS_MASTER_KEYS) to the key(s) the secrets were written with`);
          throw error;
        }
        print(json(), {
          reencrypted: result.total,
          upgradedLegacy: result.upgradedLegacy,
          columns: result.columns,
          next: next
            ? "every secret is now under TENGINE_MASTER_KEY_NEW: make it TENGINE_MASTER_KEY for every process and drop the old key"
            : "every secret is bound to its row under TENGINE_MASTER_KEY; TENGINE_PREVIOUS_MASTER_KEYS can be removed",
        });
      }),
    );

  const keys = program.command("gateway-keys").description("the gateway's ES256 keys that sign member session tokens and OAuth access tokens");
  keys.command("list").action(
    withContext(async (ctx) => {
      const rows = await listGatewayKeys(ctx.db);
      print(json(), rows, { rows, columns: ["kid", "alg", "signing", "createdAt", "retiredAt"] });
    }),
  );
  keys
    .command("rotate")
    .description("add a new signing key: published in the JWKS at once, signs new tokens within 5 minutes; older keys keep verifying until retired")
    .action(
      withContext(async (ctx) => {
        const { kid, refreshMs } = await rotateGatewayKey(ctx.db, await ctx.secretBox());
        print(json(), { kid, signsWithinMs: refreshMs, next: "after the old key's tokens have expired (15 minutes after the new key took over), run `tengine gateway-keys retire <old kid>`" });
      }),
    );
  keys
    .command("retire <kid>")
    .description("retire a key that no longer signs: the JWKS drops it and tokens it signed stop verifying (within 5 minutes on every replica)")
    .action(
      withContext(async (ctx, kid: string) => {
        print(json(), await retireGatewayKey(ctx.db, kid));
      }),
    );
}

function withContext<A extends unknown[]>(fn: (ctx: Awaited<ReturnType<typeof openContext>>, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const ctx = await openContext();
    try {
      await fn(ctx, ...args);
    } finally {
      await ctx.close();
    }
  };
}

function requireMasterKey(): string {
  if (!cliEnv.TENGINE_MASTER_KEY) throw new AppError("bad_request", "TENGINE_MASTER_KEY must be set to the current master key to rotate it");
  return cliEnv.TENGINE_MASTER_KEY;
}

function parseBox(key: string, name: string): SecretBox {
  try {
    return new SecretBox(key);
  } catch {
    throw new AppError("bad_request", `${name} must be 32 random bytes, base64url-encoded`);
  }
}

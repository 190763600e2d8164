import { listGatewayKeys, retireGatewayKey, rotateGatewayKey } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";

const list = defineCommand({
  name: "list",
  summary: "list the gateway's signing keys",
  examples: ["tengine gateway-keys list"],
  json: "[{ kid, alg, signing, createdAt, retiredAt }]",
  async run(ctx, { json }) {
    const rows = await listGatewayKeys(ctx.db);
    print(json, rows, { rows, columns: ["kid", "alg", "signing", "createdAt", "retiredAt"] });
  },
});

const rotate = defineCommand({
  name: "rotate",
  summary: "add a new signing key: published in the JWKS at once, signs new tokens within 5 minutes",
  details: "Older keys keep verifying until retired.",
  examples: ["tengine gateway-keys rotate"],
  json: "{ kid, signsWithinMs, next }",
  async run(ctx, { json }) {
    const { kid, refreshMs } = await rotateGatewayKey(ctx.db, await ctx.secretBox());
    print(json, { kid, signsWithinMs: refreshMs, next: "after the old key's tokens have expired (15 minutes after the new key took over), run `tengine gateway-keys retire <old kid>`" });
  },
});

const retire = defineCommand({
  name: "retire",
  summary: "retire a key that no longer signs: the JWKS drops it and tokens it signed stop verifying",
  details: "Takes effect within 5 minutes on every replica.",
  args: [{ name: "kid", description: "the key id" }],
  examples: ["tengine gateway-keys retire gk_01jd8x9y7z6w5v4t3s2r1q0p9n"],
  json: "{ kid, retiredAt }",
  async run(ctx, { args, json }) {
    print(json, await retireGatewayKey(ctx.db, args.kid!));
  },
});

export const gatewayKeysGroup = defineGroup({ name: "gateway-keys", summary: "the gateway's ES256 keys that sign member session tokens and OAuth access tokens", commands: [list, rotate, retire] });

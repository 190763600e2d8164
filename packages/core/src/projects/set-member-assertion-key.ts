import { newId } from "../ids/new-id.ts";
import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint, importJWK, type JWK } from "jose";
import { z } from "zod";
import { type Db, Prisma } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "./bump-config-version.ts";

/**
 * A project verifies member assertions (DESIGN §11) with ONE key: either an HS256 secret it
 * generated (stored encrypted, shown once) or the public JWK of the customer's ES256 / EdDSA
 * key. Setting one removes the other. Every change bumps the configuration version so cached
 * keys are dropped by every gateway replica.
 */

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be base64url");

/** The public JWKs the project may register: EC P-256 (ES256) or OKP Ed25519 (EdDSA). */
export const memberAssertionJwkSchema = z.discriminatedUnion("kty", [
  z.object({ kty: z.literal("EC"), crv: z.literal("P-256", { error: "EC keys must use the P-256 curve (ES256)" }), x: b64url, y: b64url, alg: z.literal("ES256", { error: "an EC P-256 key signs with ES256" }).optional(), kid: z.string().max(200).optional() }),
  z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519", { error: "OKP keys must use the Ed25519 curve (EdDSA)" }), x: b64url, alg: z.enum(["EdDSA", "Ed25519"], { error: "an Ed25519 key signs with EdDSA" }).optional(), kid: z.string().max(200).optional() }),
]);
/** A stored key: public members only, with its algorithm always set. */
export type MemberAssertionJwk =
  | { kty: "EC"; crv: "P-256"; x: string; y: string; alg: "ES256"; kid?: string }
  | { kty: "OKP"; crv: "Ed25519"; x: string; alg: "EdDSA" | "Ed25519"; kid?: string };

/** What the dashboard may show about the configured key: never the secret itself. */
export type MemberAssertionStatus =
  | { kind: "none" }
  | { kind: "secret"; alg: "HS256" }
  | { kind: "jwk"; alg: string; kty: string; crv: string; kid?: string; thumbprint: string; jwk: MemberAssertionJwk };

function invalidJwk(message: string): never {
  throw new AppError("bad_request", message);
}

/**
 * Checks that `input` (a JWK object or its JSON text; a JWKS with exactly one key is taken as
 * that key) is a public EC P-256 or Ed25519 key, and returns it reduced to its public members.
 * A private key (`d`) is refused outright: the customer must keep it, not hand it to us.
 */
export async function parseMemberAssertionJwk(input: unknown): Promise<MemberAssertionJwk> {
  let value = input;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      invalidJwk("this is not valid JSON: paste the public key as a JWK object");
    }
  }
  if (value && typeof value === "object" && Array.isArray((value as { keys?: unknown }).keys)) {
    const keys = (value as { keys: unknown[] }).keys;
    if (keys.length !== 1) invalidJwk("this key set has several keys: paste the one key members are signed with");
    value = keys[0];
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) invalidJwk("paste a JWK object, e.g. {\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":…,\"y\":…}");
  const record = value as Record<string, unknown>;
  if ("d" in record || "p" in record || "k" in record) invalidJwk("this is a private or secret key: paste the PUBLIC key only (no \"d\"), and keep the private key on your server");
  if (record.kty !== "EC" && record.kty !== "OKP") invalidJwk(`key type ${JSON.stringify(record.kty ?? null)} is not supported: use an EC P-256 (ES256) or OKP Ed25519 (EdDSA) key`);
  const parsed = memberAssertionJwkSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    invalidJwk(issue.path.length > 0 ? `"${issue.path.join(".")}": ${issue.message}` : issue.message);
  }
  const jwk = parsed.data;
  const clean: MemberAssertionJwk = jwk.kty === "EC" ? { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y, alg: "ES256" } : { kty: "OKP", crv: jwk.crv, x: jwk.x, alg: jwk.alg ?? "EdDSA" };
  if (jwk.kid) clean.kid = jwk.kid;
  try {
    // WebCrypto checks the coordinates: a point off the curve or a wrong length fails here.
    await importJWK(clean as JWK, clean.alg);
  } catch {
    invalidJwk("this key could not be imported: check the x and y coordinates");
  }
  return clean;
}

/** Generates a new HS256 secret (32 random bytes, base64url) and returns it once. */
export async function setMemberAssertionSecret(db: Db, secretBox: SecretBox, projectId: string) {
  const secret = randomBytes(32).toString("base64url");
  await db.$transaction(async (tx) => {
    const { count } = await tx.project.updateMany({ where: { id: projectId }, data: { memberAssertionSecretEnc: secretBox.encrypt(secret, secretAd.memberAssertionSecret(projectId)), memberAssertionJwk: Prisma.DbNull, memberAssertionKeyId: newId("memberKey") } });
    if (count === 0) throw new AppError("not_found", "project not found");
    await bumpConfigVersion(tx, projectId);
  });
  return { secret };
}

/** Registers the customer's public key; the HS256 secret, if any, is removed. */
export async function setMemberAssertionJwk(db: Db, projectId: string, input: unknown) {
  const jwk = await parseMemberAssertionJwk(input);
  await db.$transaction(async (tx) => {
    const { count } = await tx.project.updateMany({ where: { id: projectId }, data: { memberAssertionJwk: jwk as Prisma.InputJsonObject, memberAssertionSecretEnc: null, memberAssertionKeyId: newId("memberKey") } });
    if (count === 0) throw new AppError("not_found", "project not found");
    await bumpConfigVersion(tx, projectId);
  });
  return describeJwk(jwk);
}

/** Removes whichever key is configured: member sessions can no longer be minted. */
export async function clearMemberAssertion(db: Db, projectId: string) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.project.updateMany({ where: { id: projectId }, data: { memberAssertionJwk: Prisma.DbNull, memberAssertionSecretEnc: null, memberAssertionKeyId: null } });
    if (count === 0) throw new AppError("not_found", "project not found");
    await bumpConfigVersion(tx, projectId);
  });
}

/** Which key is configured, for display. */
export async function getMemberAssertionStatus(db: Db, projectId: string): Promise<MemberAssertionStatus> {
  const project = await db.project.findFirst({ where: { id: projectId }, select: { memberAssertionSecretEnc: true, memberAssertionJwk: true } });
  if (!project) throw new AppError("not_found", "project not found");
  if (project.memberAssertionJwk) {
    const parsed = memberAssertionJwkSchema.safeParse(project.memberAssertionJwk);
    if (parsed.success) {
      const jwk = parsed.data;
      return describeJwk(jwk.kty === "EC" ? { ...jwk, alg: "ES256" } : { ...jwk, alg: jwk.alg ?? "EdDSA" });
    }
  }
  if (project.memberAssertionSecretEnc) return { kind: "secret", alg: "HS256" };
  return { kind: "none" };
}

async function describeJwk(jwk: MemberAssertionJwk): Promise<Extract<MemberAssertionStatus, { kind: "jwk" }>> {
  return { kind: "jwk", alg: jwk.alg, kty: jwk.kty, crv: jwk.crv, ...(jwk.kid ? { kid: jwk.kid } : {}), thumbprint: await calculateJwkThumbprint(jwk as JWK, "sha256"), jwk };
}

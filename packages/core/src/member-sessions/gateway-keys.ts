import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { Db } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { newId } from "../ids/new-id.ts";

/** The algorithm of the gateway's own tokens. */
export const GATEWAY_KEY_ALG = "ES256";

/** Postgres advisory lock that serialises creating the first key across replicas. */
const CREATE_LOCK = 7_466_201_511;

/** How long a loaded key is trusted before it is read again (a retired key stops within this). */
export const GATEWAY_KEY_REFRESH_MS = 5 * 60_000;

export type GatewaySigningKey = { kid: string; alg: typeof GATEWAY_KEY_ALG; privateKey: CryptoKey };

type Cached<T> = { value: Promise<T>; loadedAt: number };

/**
 * The gateway's ES256 signing keys (GatewayKey table) for the tokens it issues: member session
 * tokens and OAuth access tokens. Private keys are stored as JWKs encrypted with the
 * SecretBox. The first replica to need a key creates it (under an advisory lock, then every
 * replica re-reads the newest active key, so all of them sign with the same one). Imported
 * keys are cached in memory for GATEWAY_KEY_REFRESH_MS: a rotation or retirement reaches every replica
 * within that time.
 */
export class GatewayKeys {
  readonly #db: Db;
  readonly #secretBox: SecretBox;
  readonly #now: () => number;
  #signing: Cached<GatewaySigningKey> | undefined;
  readonly #verifying = new Map<string, Cached<CryptoKey | null>>();

  constructor(db: Db, secretBox: SecretBox, options: { now?: () => number } = {}) {
    this.#db = db;
    this.#secretBox = secretBox;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The key new tokens are signed with: the NEWEST active one (so `tengine gateway-keys rotate`
   * moves signing to the new key while tokens of the older ones still verify until retired),
   * created if there is none.
   */
  signingKey(): Promise<GatewaySigningKey> {
    const cached = this.#signing;
    if (cached && this.#now() - cached.loadedAt < GATEWAY_KEY_REFRESH_MS) return cached.value;
    const value = this.#loadOrCreate();
    const entry = { value, loadedAt: this.#now() };
    this.#signing = entry;
    value.catch(() => {
      if (this.#signing === entry) this.#signing = undefined;
    });
    return value;
  }

  /**
   * The public key of an active gateway key by kid, or null (unknown or retired). Only found
   * keys are cached, so the map holds at most the keys that exist.
   */
  async verificationKey(kid: string): Promise<CryptoKey | null> {
    const cached = this.#verifying.get(kid);
    if (cached && this.#now() - cached.loadedAt < GATEWAY_KEY_REFRESH_MS) return cached.value;
    const value = this.#loadPublic(kid);
    const entry = { value, loadedAt: this.#now() };
    this.#verifying.set(kid, entry);
    const key = await value.catch((error: unknown) => {
      this.#verifying.delete(kid);
      throw error;
    });
    if (!key && this.#verifying.get(kid) === entry) this.#verifying.delete(kid);
    return key;
  }

  /** The JWK Set of active keys, for `/.well-known/jwks.json` (RFC 7517 §5). */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.signingKey();
    const rows = await this.#db.gatewayKey.findMany({ where: { retiredAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { publicJwk: true } });
    return { keys: rows.map((r) => r.publicJwk as JWK) };
  }

  async #loadOrCreate(): Promise<GatewaySigningKey> {
    const existing = await this.#newestActive();
    if (existing) return existing;
    const fresh = await createKeyMaterial(this.#secretBox);
    await this.#db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CREATE_LOCK}::bigint)`;
      const active = await tx.gatewayKey.findFirst({ where: { retiredAt: null }, select: { id: true } });
      if (!active) await tx.gatewayKey.create({ data: fresh });
    });
    const created = await this.#newestActive();
    if (!created) throw new Error("no active gateway signing key after creating one");
    return created;
  }

  async #newestActive(): Promise<GatewaySigningKey | null> {
    const row = await this.#db.gatewayKey.findFirst({ where: { retiredAt: null }, orderBy: SIGNING_ORDER, select: { id: true, alg: true, privateKeyEnc: true } });
    if (!row) return null;
    const jwk = JSON.parse(this.#secretBox.decrypt(row.privateKeyEnc, secretAd.gatewayKey(row.id))) as JWK;
    return { kid: row.id, alg: GATEWAY_KEY_ALG, privateKey: (await importJWK(jwk, GATEWAY_KEY_ALG)) as CryptoKey };
  }

  async #loadPublic(kid: string): Promise<CryptoKey | null> {
    if (!/^gk_[0-9a-z]{26}$/.test(kid)) return null;
    const row = await this.#db.gatewayKey.findFirst({ where: { id: kid, retiredAt: null }, select: { publicJwk: true } });
    if (!row) return null;
    return (await importJWK(row.publicJwk as JWK, GATEWAY_KEY_ALG)) as CryptoKey;
  }
}

/** Which active key signs: the newest (ids are time-sortable, so they break createdAt ties). */
export const SIGNING_ORDER = [{ createdAt: "desc" as const }, { id: "desc" as const }];

export async function createKeyMaterial(secretBox: SecretBox) {
  const kid = newId("gatewayKey");
  const { publicKey, privateKey } = await generateKeyPair(GATEWAY_KEY_ALG, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: GATEWAY_KEY_ALG, use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: GATEWAY_KEY_ALG };
  return { id: kid, alg: GATEWAY_KEY_ALG, publicJwk, privateKeyEnc: secretBox.encrypt(JSON.stringify(privateJwk), secretAd.gatewayKey(kid)) };
}

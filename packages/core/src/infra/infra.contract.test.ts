import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { deleteKeysWithPrefix } from "./delete-keys-with-prefix.ts";
import { QUOTA_THRESHOLD } from "./rate-limiter.ts";
import { createInfra } from "./create-infra.ts";
import { createRedisClient } from "./create-redis-client.ts";
import { InfraUnavailableError } from "./infra-unavailable-error.ts";
import { MemoryPubSub } from "./memory-pub-sub.ts";
import { MemoryRateLimiter } from "./memory-rate-limiter.ts";
import type { PubSub } from "./pub-sub.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { RedisPubSub } from "./redis-pub-sub.ts";
import { RedisRateLimiter } from "./redis-rate-limiter.ts";

// Contract tests (STYLE.md 10): the same behaviours against the Redis and the in-process
// implementations. Redis is the machine's real one; this file owns the key prefix below and
// deletes it at the end.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `test:${randomBytes(6).toString("hex")}:`;
const clients: Redis[] = [];
const pubSubs: PubSub[] = [];

/** A new ioredis client: each one stands for a separate gateway replica. */
function replicaClient(name?: string): Redis {
  const client = createRedisClient(REDIS_URL, name ? { connectionName: name } : {});
  clients.push(client);
  return client;
}

/** A connected client for inspecting Redis directly (the infra clients connect lazily). */
async function adminClient(): Promise<Redis> {
  const client = replicaClient();
  await client.connect();
  return client;
}

type Impl = {
  name: string;
  /** Instances share state across processes (through Redis). */
  distributed: boolean;
  newLimiter(): RateLimiter;
  newPubSub(): PubSub;
};

const impls: Impl[] = [
  {
    name: "memory",
    distributed: false,
    newLimiter: () => new MemoryRateLimiter(),
    newPubSub: () => track(new MemoryPubSub()),
  },
  {
    name: "redis",
    distributed: true,
    newLimiter: () => new RedisRateLimiter({ redis: replicaClient(), keyPrefix: `${PREFIX}rl:` }),
    newPubSub: () => track(new RedisPubSub({ redis: replicaClient(), keyPrefix: `${PREFIX}ps:` })),
  },
];

function track(pubSub: PubSub): PubSub {
  pubSubs.push(pubSub);
  return pubSub;
}

let keySeq = 0;
const uniqueKey = (label: string) => `${label}:${++keySeq}`;

afterAll(async () => {
  await Promise.all(pubSubs.map((p) => p.close()));
  const admin = await adminClient();
  await deleteKeysWithPrefix(admin, PREFIX);
  await Promise.all(clients.map((c) => (c.status === "ready" ? c.quit() : c.disconnect())));
});

describe.each(impls)("contract: $name", (impl) => {
  describe("RateLimiter", () => {
    it("trips at exactly max within a window and recovers when the window has passed", async () => {
      const limiter = impl.newLimiter();
      const key = uniqueKey("trip");
      const limit = { max: 3, windowMs: 1_000 };
      const t0 = Date.now();

      expect(await limiter.hit(key, limit, t0)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0, count: 1 });
      expect(await limiter.hit(key, limit, t0 + 10)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0, count: 2 });
      expect(await limiter.hit(key, limit, t0 + 20)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0, count: 3 });
      expect(await limiter.hit(key, limit, t0 + 30)).toMatchObject({ allowed: false, remaining: 0, count: 3 });
      // The first hit is still inside the window 1 ms before it leaves.
      expect(await limiter.hit(key, limit, t0 + 999)).toMatchObject({ allowed: false, count: 3 });
      // Sliding: at t0+1000 only the first hit has left, so exactly one more is allowed.
      expect(await limiter.hit(key, limit, t0 + 1_000)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0, count: 3 });
      expect(await limiter.hit(key, limit, t0 + 1_001)).toMatchObject({ allowed: false });
      // Refused hits are not counted: once every allowed hit is out, the key is fresh.
      expect(await limiter.hit(key, limit, t0 + 2_000)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0, count: 1 });
    });

    it("says exactly when to retry, and a retry then is allowed", async () => {
      const limiter = impl.newLimiter();
      const key = uniqueKey("retry");
      const limit = { max: 2, windowMs: 1_000 };
      const t0 = Date.now();
      await limiter.hit(key, limit, t0);
      await limiter.hit(key, limit, t0 + 100);

      const refused = await limiter.hit(key, limit, t0 + 400);
      expect(refused).toMatchObject({ allowed: false, retryAfterMs: 600 });
      const refusedLater = await limiter.hit(key, limit, t0 + 999);
      expect(refusedLater.retryAfterMs).toBe(1);
      // Too early by one millisecond, then on time.
      expect((await limiter.hit(key, limit, t0 + 400 + refused.retryAfterMs - 1)).allowed).toBe(false);
      expect((await limiter.hit(key, limit, t0 + 400 + refused.retryAfterMs)).allowed).toBe(true);
      // The next slot frees when the second hit (t0+100) leaves.
      expect(await limiter.hit(key, limit, t0 + 1_050)).toMatchObject({ allowed: false, retryAfterMs: 50 });
    });

    it("keeps separate keys independent", async () => {
      const limiter = impl.newLimiter();
      const [a, b] = [uniqueKey("a"), uniqueKey("b")];
      const limit = { max: 2, windowMs: 60_000 };
      const now = Date.now();
      await limiter.hit(a, limit, now);
      await limiter.hit(a, limit, now);
      expect((await limiter.hit(a, limit, now)).allowed).toBe(false);
      expect(await limiter.hit(b, limit, now)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0, count: 1 });
      // The same key under a different limit is still the same counter.
      expect((await limiter.hit(a, { max: 3, windowMs: 60_000 }, now)).allowed).toBe(true);
    });

    it("allows exactly max of 50 parallel hits (default clock)", async () => {
      const limiter = impl.newLimiter();
      const key = uniqueKey("parallel");
      const limit = { max: 10, windowMs: 60_000 };
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(key, limit)));
      const allowed = decisions.filter((d) => d.allowed);
      expect(allowed).toHaveLength(10);
      expect(allowed.map((d) => d.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const d of decisions.filter((d) => !d.allowed)) {
        expect(d).toMatchObject({ remaining: 0, count: 10 });
        expect(d.retryAfterMs).toBeGreaterThan(0);
        expect(d.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
    });

    it("refuses everything with max 0 and rejects invalid limits", async () => {
      const limiter = impl.newLimiter();
      const key = uniqueKey("zero");
      expect(await limiter.hit(key, { max: 0, windowMs: 1_000 })).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1_000, count: 0 });
      await expect(limiter.hit(key, { max: -1, windowMs: 1_000 })).rejects.toThrow(RangeError);
      await expect(limiter.hit(key, { max: 1.5, windowMs: 1_000 })).rejects.toThrow(RangeError);
      await expect(limiter.hit(key, { max: 1, windowMs: 0 })).rejects.toThrow(RangeError);
    });

    it("hitAll counts the keys in order and stops at the first refusal", async () => {
      const limiter = impl.newLimiter();
      const [a, b, c] = [uniqueKey("all-a"), uniqueKey("all-b"), uniqueKey("all-c")];
      const t0 = 5_000_000;
      const hits = [
        { key: a, limit: { max: 3, windowMs: 1_000 } },
        { key: b, limit: { max: 1, windowMs: 1_000 } },
        { key: c, limit: { max: 5, windowMs: 1_000 } },
      ];
      expect(await limiter.hitAll(hits, t0)).toEqual([
        { allowed: true, remaining: 2, retryAfterMs: 0, count: 1 },
        { allowed: true, remaining: 0, retryAfterMs: 0, count: 1 },
        { allowed: true, remaining: 4, retryAfterMs: 0, count: 1 },
      ]);
      // b is full: a was counted (the call was attempted), c was not reached
      expect(await limiter.hitAll(hits, t0 + 100)).toEqual([
        { allowed: true, remaining: 1, retryAfterMs: 0, count: 2 },
        { allowed: false, remaining: 0, retryAfterMs: 900, count: 1 },
      ]);
      expect(await limiter.hit(c, { max: 5, windowMs: 1_000 }, t0 + 100)).toMatchObject({ count: 2 });
      // after b's window it passes again; a refusal on the first key stops at once
      expect((await limiter.hitAll(hits, t0 + 1_000)).map((d) => d.allowed)).toEqual([true, true, true]);
      expect(await limiter.hitAll([{ key: a, limit: { max: 0, windowMs: 1_000 } }, hits[1]!], t0 + 1_001)).toHaveLength(1);
      expect(await limiter.hitAll([], t0)).toEqual([]);
      await expect(limiter.hitAll([{ key: a, limit: { max: -1, windowMs: 1_000 } }])).rejects.toThrow(RangeError);
    });

    it("counts a quota (max above the threshold) in fixed windows aligned to the epoch, in constant memory", async () => {
      const limiter = impl.newLimiter();
      const key = uniqueKey("quota");
      const DAY = 86_400_000;
      const limit = { max: QUOTA_THRESHOLD + 2, windowMs: DAY };
      const midnight = DAY * 20_000; // a day start (UTC)
      const t0 = midnight + 3_600_000; // 01:00
      // one atomic step of threshold+1 hits on the same key
      const filled = await limiter.hitAll(Array.from({ length: QUOTA_THRESHOLD + 1 }, () => ({ key, limit })), t0);
      expect(filled.every((d) => d.allowed)).toBe(true);
      expect(filled.at(-1)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0, count: QUOTA_THRESHOLD + 1 });
      expect(await limiter.hit(key, limit, t0 + 1)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0, count: QUOTA_THRESHOLD + 2 });
      // refused until the next day starts, which is what retryAfterMs says; refusals are not counted
      expect(await limiter.hit(key, limit, t0 + 2)).toEqual({ allowed: false, remaining: 0, retryAfterMs: DAY - 3_600_000 - 2, count: QUOTA_THRESHOLD + 2 });
      expect(await limiter.hit(key, limit, midnight + DAY - 1)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect(await limiter.hit(key, limit, midnight + DAY)).toEqual({ allowed: true, remaining: QUOTA_THRESHOLD + 1, retryAfterMs: 0, count: 1 });
    });

    // Only a shared store has replicas to agree: defined for Redis alone, never skipped.
    if (impl.distributed) it("shares one counter between two replicas", async () => {
      const [replicaA, replicaB] = [impl.newLimiter(), impl.newLimiter()];
      const key = uniqueKey("replicas");
      const limit = { max: 4, windowMs: 60_000 };
      const now = Date.now();
      expect((await replicaA.hit(key, limit, now)).count).toBe(1);
      expect((await replicaB.hit(key, limit, now)).count).toBe(2);
      expect((await replicaA.hit(key, limit, now)).count).toBe(3);
      expect(await replicaB.hit(key, limit, now)).toMatchObject({ allowed: true, count: 4, remaining: 0 });
      expect((await replicaA.hit(key, limit, now)).allowed).toBe(false);
      expect((await replicaB.hit(key, limit, now)).allowed).toBe(false);

      // And under concurrency across both: 25 + 25 parallel hits, max 10.
      const parallelKey = uniqueKey("replicas-parallel");
      const decisions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).hit(parallelKey, { max: 10, windowMs: 60_000 })),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });
  });

  describe("PubSub", () => {
    it("delivers every message to every subscriber of the channel, and only of that channel", async () => {
      const pubSub = impl.newPubSub();
      const channel = uniqueKey("fanout");
      const first: string[] = [];
      const second: string[] = [];
      const other: string[] = [];
      await pubSub.subscribe(channel, (m) => first.push(m));
      await pubSub.subscribe(channel, (m) => second.push(m));
      await pubSub.subscribe(uniqueKey("other"), (m) => other.push(m));

      await pubSub.publish(channel, "one");
      await pubSub.publish(channel, "two");
      await vi.waitFor(() => {
        expect(first).toEqual(["one", "two"]);
        expect(second).toEqual(["one", "two"]);
      });
      expect(other).toEqual([]);
    });

    it("stops delivering to a handler once unsubscribed, and keeps the others", async () => {
      const pubSub = impl.newPubSub();
      const channel = uniqueKey("unsub");
      const dropped: string[] = [];
      const kept: string[] = [];
      const unsubscribe = await pubSub.subscribe(channel, (m) => dropped.push(m));
      await pubSub.subscribe(channel, (m) => kept.push(m));
      await pubSub.publish(channel, "before");
      await vi.waitFor(() => expect(dropped).toEqual(["before"]));

      await unsubscribe();
      await unsubscribe(); // idempotent
      await pubSub.publish(channel, "after");
      // Messages arrive in order, so once "after" reached the kept handler it would have
      // reached the dropped one too.
      await vi.waitFor(() => expect(kept).toEqual(["before", "after"]));
      expect(dropped).toEqual(["before"]);

      // Unsubscribing the last handler of a channel, then subscribing again, works.
      const lastChannel = uniqueKey("resub");
      const again: string[] = [];
      const unsubscribeOnly = await pubSub.subscribe(lastChannel, () => {});
      await unsubscribeOnly();
      await pubSub.subscribe(lastChannel, (m) => again.push(m));
      await pubSub.publish(lastChannel, "again");
      await vi.waitFor(() => expect(again).toEqual(["again"]));
    });

    it("keeps a throwing handler from affecting the publisher and the other handlers", async () => {
      const pubSub = impl.newPubSub();
      const channel = uniqueKey("throws");
      const received: string[] = [];
      await pubSub.subscribe(channel, () => {
        throw new Error("handler bug");
      });
      await pubSub.subscribe(channel, (m) => received.push(m));
      await expect(pubSub.publish(channel, "still delivered")).resolves.toBeUndefined();
      await vi.waitFor(() => expect(received).toEqual(["still delivered"]));
    });

    it("never runs handlers inside publish", async () => {
      const pubSub = impl.newPubSub();
      const channel = uniqueKey("async");
      const received: string[] = [];
      await pubSub.subscribe(channel, (m) => received.push(m));
      const publishing = pubSub.publish(channel, "later");
      expect(received).toEqual([]);
      await publishing;
      await vi.waitFor(() => expect(received).toEqual(["later"]));
    });

    it("refuses use after close", async () => {
      const pubSub = impl.newPubSub();
      await pubSub.close();
      await expect(pubSub.publish(uniqueKey("closed"), "x")).rejects.toThrow(/closed/);
    });

    if (impl.distributed) it("lets two instances over the same Redis see each other's messages", async () => {
      const [replicaA, replicaB] = [impl.newPubSub(), impl.newPubSub()];
      const channel = uniqueKey("replicas");
      const atA: string[] = [];
      const atB: string[] = [];
      await replicaA.subscribe(channel, (m) => atA.push(m));
      await replicaB.subscribe(channel, (m) => atB.push(m));
      await replicaA.publish(channel, "from A");
      await replicaB.publish(channel, "from B");
      await vi.waitFor(() => {
        expect(atA).toEqual(["from A", "from B"]);
        expect(atB).toEqual(["from A", "from B"]);
      });
    });
  });
});

describe("Redis specifics", () => {
  it("prefixes keys and expires them two windows after the last allowed hit", async () => {
    const admin = await adminClient();
    const limiter = new RedisRateLimiter({ redis: replicaClient(), keyPrefix: `${PREFIX}ttl:` });
    await limiter.hit("k", { max: 5, windowMs: 30_000 });
    expect(await admin.zcard(`${PREFIX}ttl:k`)).toBe(1);
    const ttl = await admin.pttl(`${PREFIX}ttl:k`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("resubscribes after the subscriber connection is dropped", async () => {
    const admin = await adminClient();
    const name = `test-${randomBytes(6).toString("hex")}`;
    let resubscribed = 0;
    const pubSub = track(
      new RedisPubSub({ redis: replicaClient(name), keyPrefix: `${PREFIX}ps:`, onResubscribed: () => resubscribed++ }),
    );
    const channel = uniqueKey("reconnect");
    const received: string[] = [];
    await pubSub.subscribe(channel, (m) => received.push(m));

    const list = (await admin.call("CLIENT", "LIST")) as string;
    const line = list.split("\n").find((l) => l.includes(` name=${name}-sub `));
    const id = line?.match(/^id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await admin.call("CLIENT", "KILL", "ID", id as string);

    await vi.waitFor(() => expect(resubscribed).toBe(1), { timeout: 5_000 });
    await pubSub.publish(channel, "after reconnect");
    await vi.waitFor(() => expect(received).toEqual(["after reconnect"]));
  });

  it("createInfra picks Redis with a URL and in-process implementations without", async () => {
    const memory = createInfra({ keyPrefix: PREFIX });
    expect(memory.kind).toBe("memory");
    expect((await memory.rateLimiter.hit("x", { max: 1, windowMs: 1_000 })).allowed).toBe(true);
    await memory.close();

    const redis = createInfra({ redisUrl: REDIS_URL, keyPrefix: `${PREFIX}infra:` });
    expect(redis.kind).toBe("redis");
    const received: string[] = [];
    await redis.pubSub.subscribe("c", (m) => received.push(m));
    await redis.pubSub.publish("c", "hello");
    await vi.waitFor(() => expect(received).toEqual(["hello"]));
    expect((await redis.rateLimiter.hit("x", { max: 1, windowMs: 1_000 })).count).toBe(1);
    const admin = await adminClient();
    expect(await admin.exists(`${PREFIX}infra:rl:x`)).toBe(1);
    await redis.close();
  });
});

describe("faults", () => {
  it("rejects quickly with InfraUnavailableError when Redis is unreachable", async () => {
    const dead = createRedisClient("redis://127.0.0.1:1");
    clients.push(dead);
    const limiter = new RedisRateLimiter({ redis: dead, keyPrefix: PREFIX });
    const pubSub = track(new RedisPubSub({ redis: dead, keyPrefix: PREFIX }));
    const limit = { max: 1, windowMs: 1_000 };

    for (let attempt = 0; attempt < 2; attempt++) {
      const started = performance.now();
      const err = await limiter.hit("k", limit).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InfraUnavailableError);
      expect((err as InfraUnavailableError).capability).toBe("rate-limiter");
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    await expect(pubSub.publish("c", "x")).rejects.toBeInstanceOf(InfraUnavailableError);
    await expect(pubSub.subscribe("c", () => {})).rejects.toBeInstanceOf(InfraUnavailableError);
  });

  it("rejects with InfraUnavailableError once a client has been closed", async () => {
    const client = replicaClient();
    const limiter = new RedisRateLimiter({ redis: client, keyPrefix: `${PREFIX}rl:` });
    expect((await limiter.hit(uniqueKey("closed"), { max: 1, windowMs: 1_000 })).allowed).toBe(true);
    client.disconnect();
    await expect(limiter.hit(uniqueKey("closed"), { max: 1, windowMs: 1_000 })).rejects.toBeInstanceOf(InfraUnavailableError);
  });
});

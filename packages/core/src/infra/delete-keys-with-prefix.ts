import type { Redis } from "ioredis";

/**
 * Deletes every key that starts with `prefix` (SCAN in pages, never KEYS, so a large database
 * is not blocked). For removing one tenant's or one test run's keys; returns how many went.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`, "COUNT", 1000);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}

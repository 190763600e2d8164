import type pg from "pg";

/** Where a process finds its database: a URL and, for isolated tests, a schema inside it. */
export type DatabaseTarget = {
  url: string;
  /** Postgres schema to use instead of `public` (tests get one each). */
  schema?: string;
  /** Served by the embedded PGlite wire server (one backend session shared by all clients). */
  embedded?: boolean;
};

/** pg pool settings for a target: the schema goes into every connection's search_path. */
export function poolConfig(target: DatabaseTarget, max = 10): pg.PoolConfig {
  return {
    connectionString: target.url,
    max,
    // A database host that stops answering must fail fast (503s, friendly pages), not hang.
    connectionTimeoutMillis: 5_000,
    ...(target.schema ? { options: `-c search_path="${target.schema}"` } : {}),
  };
}

import type pg from "pg";
import { GroupCommit } from "./group-commit.ts";
import { type ProjectConfigColumns, projectConfigSql } from "./project-config-columns.ts";

/** The project settings every credential lookup joins (one list: project-config-columns.ts). */
const PROJECT = projectConfigSql("p");

/**
 * The few queries every tool call runs, as prepared SQL on the pg pool. Prisma's query
 * runtime cost ~40% of the gateway's CPU per call in a profile (interpreting each query
 * plan); these fixed statements skip it. Everything else goes through Prisma. Column names
 * follow prisma/schema.prisma; the gateway's integration tests exercise every statement.
 *
 * Timestamps are `timestamp(3)` without time zone holding UTC (Prisma's convention), so they
 * are written as UTC ISO strings and compared in SQL against `now() AT TIME ZONE 'UTC'`.
 */
export class HotQueries {
  /** runs (with their keys' settles) written in groups: see `recordRun` */
  readonly #runs: GroupCommit<RunWrite>;
  /** idempotency claims of concurrent calls, inserted in groups: see `claimIdempotencyKey` */
  readonly #claims: GroupCommit<IdempotencyClaimInsert, { id: string; upstreamKey: string } | null>;
  /** API-key lookups of concurrent calls, read in groups: see `findApiKey` */
  readonly #keyLookups: GroupCommit<ApiKeyLookup, ApiKeyAuthRow | null>;

  constructor(
    private readonly pool: pg.Pool,
    /** prepared statements are per connection; the embedded server shares one session */
    private readonly named: boolean,
    options: { /** errors meaning "the database is unreachable" (a failed group is then not retried run by run) */ isUnavailable?: (error: unknown) => boolean } = {},
  ) {
    const grouping = options.isUnavailable ? { isUnavailable: options.isUnavailable } : {};
    // One statement of each kind in flight: what arrives meanwhile waits and goes out in the
    // next one. Under load that halves the statements per call (each costs the gateway a socket
    // write and read, ~100 µs of CPU on a busy machine) for a wait shorter than one round trip;
    // a lone caller still waits for nothing (bench/ab.ts: 12–17 % less CPU per call at 64
    // connections than with 2–4 in flight).
    this.#runs = new GroupCommit((writes) => this.writeRuns(writes), { ...grouping, maxInFlight: 1 });
    this.#keyLookups = new GroupCommit((lookups) => this.findApiKeys(lookups), { ...grouping, maxInFlight: 1 });
    this.#claims = new GroupCommit((claims) => this.claimIdempotencyKeys(claims), { ...grouping, maxInFlight: 1 });
  }

  /** A prepared statement named `name`, or planned afresh for these values when `name` is null. */
  private query<R extends pg.QueryResultRow>(name: string | null, text: string, values: unknown[]) {
    return this.pool.query<R>(this.named && name ? { name, text, values } : { text, values });
  }

  /**
   * An API key by hash with what the call path needs of its project. `now` (tests' clock)
   * decides expiry; default the database's clock. Read on every call, so a revoked key is
   * refused at once on every replica; lookups of concurrent calls share one statement (see
   * `GroupCommit`: a lookup is sent when the call asks for it, never answered from an earlier
   * read).
   */
  findApiKey(hash: string, now?: Date): Promise<ApiKeyAuthRow | null> {
    return this.#keyLookups.add({ hash, now: now ? utc(now) : null });
  }

  /** The API keys of a group of lookups, in their order, in one statement. */
  async findApiKeys(lookups: ApiKeyLookup[]): Promise<Array<ApiKeyAuthRow | null>> {
    const { rows } = await this.query<ApiKeyAuthRow & { lookupHash: string; lookupNow: string | null }>(
      "tengine_find_api_keys",
      `SELECT q.hash AS "lookupHash", q.now AS "lookupNow", k.id, k.scopes, k."revokedAt" IS NOT NULL AS revoked,
              (k."expiresAt" IS NOT NULL AND k."expiresAt" <= COALESCE(q.now::timestamp, now() AT TIME ZONE 'UTC')) AS expired,
              (k."lastUsedAt" IS NULL OR k."lastUsedAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute') AS "touchDue",
              ${PROJECT}
         FROM (SELECT DISTINCT hash, now FROM unnest($1::text[], $2::text[]) AS u(hash, now)) q
         JOIN "ApiKey" k ON k.hash = q.hash
         JOIN "Project" p ON p.id = k."projectId"`,
      [lookups.map((l) => l.hash), lookups.map((l) => l.now)],
    );
    const found = new Map<string, ApiKeyAuthRow>();
    for (const { lookupHash, lookupNow, ...row } of rows) found.set(`${lookupHash} ${lookupNow ?? ""}`, row);
    // Each caller gets its own row; of several calls with the same key, one refreshes lastUsedAt.
    const handedOut = new Set<string>();
    return lookups.map((l) => {
      const id = `${l.hash} ${l.now ?? ""}`;
      const row = found.get(id);
      if (!row) return null;
      const first = !handedOut.has(id);
      handedOut.add(id);
      return { ...row, scopes: [...row.scopes], touchDue: row.touchDue && first };
    });
  }

  /**
   * The minting API key of a member session token, by id, with its project's settings and
   * current member-assertion key id: one lookup per call, so revoking the key or rotating the
   * member-assertion key ends the session at its next call on every replica (DESIGN §7, §11).
   */
  async findMemberSessionKey(apiKeyId: string, now?: Date): Promise<MemberSessionAuthRow | null> {
    const { rows } = await this.query<MemberSessionAuthRow>(
      "tengine_find_member_session_key",
      `SELECT k.id, k.scopes, k."revokedAt" IS NOT NULL AS revoked,
              (k."expiresAt" IS NOT NULL AND k."expiresAt" <= COALESCE($2::timestamp, now() AT TIME ZONE 'UTC')) AS expired,
              (k."lastUsedAt" IS NULL OR k."lastUsedAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute') AS "touchDue",
              ${PROJECT}, p."memberAssertionKeyId"
         FROM "ApiKey" k JOIN "Project" p ON p.id = k."projectId"
        WHERE k.id = $1`,
      [apiKeyId, now ? utc(now) : null],
    );
    return rows[0] ?? null;
  }

  /**
   * Records a member-assertion `jti` as used; false when it already was (a replay). The
   * primary key on (project, jti) decides, atomically across replicas, without an exception.
   */
  async claimAssertionJti(projectId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await this.query(
      "tengine_claim_assertion_jti",
      `INSERT INTO "MemberAssertionJti" ("projectId", jti, "expiresAt") VALUES ($1, $2, $3::timestamp)
       ON CONFLICT ("projectId", jti) DO NOTHING`,
      [projectId, jti, utc(expiresAt)],
    );
    return rowCount === 1;
  }

  /**
   * An OAuth connection by id with its project's settings and current OAuth policy, and
   * whether its user is still in the project's organization: read on EVERY call made with an
   * access token, so revoking the connection, tightening the policy or removing the user ends
   * the token at once on every replica (DESIGN §11).
   */
  async findOAuthConnection(connectionId: string): Promise<OAuthConnectionAuthRow | null> {
    const { rows } = await this.query<OAuthConnectionAuthRow>(
      "tengine_find_oauth_connection",
      `SELECT c.id, c."userId", c."clientId", c."revokedAt" IS NOT NULL AS revoked,
              (c."lastUsedAt" IS NULL OR c."lastUsedAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute') AS "touchDue",
              EXISTS (SELECT 1 FROM "Membership" m WHERE m."orgId" = p."orgId" AND m."userId" = c."userId") AS "isMember",
              ${PROJECT}, p."oauthClientIds", p."oauthScopes"
         FROM "OAuthConnection" c JOIN "Project" p ON p.id = c."projectId"
        WHERE c.id = $1`,
      [connectionId],
    );
    return rows[0] ?? null;
  }

  async touchOAuthConnection(id: string): Promise<void> {
    await this.query("tengine_touch_oauth_connection", `UPDATE "OAuthConnection" SET "lastUsedAt" = (now() AT TIME ZONE 'UTC') WHERE id = $1`, [id]);
  }

  async touchApiKey(id: string): Promise<void> {
    await this.query("tengine_touch_api_key", `UPDATE "ApiKey" SET "lastUsedAt" = (now() AT TIME ZONE 'UTC') WHERE id = $1`, [id]);
  }

  /**
   * Inserts an in-flight idempotency record unless the key is already held: the unique
   * constraint on (project, principal, tool, key) decides, with no exception on conflict.
   * Claims of concurrent calls share one statement; within it, as across statements, the
   * first row for a key wins and the others find it held.
   */
  claimIdempotencyKey(claim: IdempotencyClaimInsert): Promise<{ id: string; upstreamKey: string } | null> {
    return this.#claims.add(claim);
  }

  /** A group of claims in one statement; null for each claim whose key was already held. */
  async claimIdempotencyKeys(claims: IdempotencyClaimInsert[]): Promise<Array<{ id: string; upstreamKey: string } | null>> {
    const { rows } = await this.query<{ id: string; upstreamKey: string }>(
      "tengine_claim_idempotency_keys",
      `INSERT INTO "IdempotencyRecord" (id, "projectId", "principalKey", "toolId", key, source, "requestHash", state, "runId", "upstreamKey", "leaseUntil", "expiresAt", "createdAt")
       SELECT c.id, c."projectId", c."principalKey", c."toolId", c.key, c.source, c."requestHash", 'in_flight', c."runId", c."runId",
              c."leaseUntil"::timestamp, c."expiresAt"::timestamp, (now() AT TIME ZONE 'UTC')
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                AS (id text, "projectId" text, "principalKey" text, "toolId" text, key text, source text, "requestHash" text, "runId" text,
                    "leaseUntil" text, "expiresAt" text)) WITH ORDINALITY
           AS c(id, "projectId", "principalKey", "toolId", key, source, "requestHash", "runId", "leaseUntil", "expiresAt", n)
        ORDER BY c.n
       ON CONFLICT ("projectId", "principalKey", "toolId", key) DO NOTHING
       RETURNING id, "upstreamKey"`,
      // One json parameter (see writeRuns).
      [wellFormedJson(claims.map((c) => ({ ...c, leaseUntil: utc(c.leaseUntil), expiresAt: utc(c.expiresAt) })))],
    );
    const won = new Map(rows.map((r) => [r.id, r]));
    return claims.map((c) => won.get(c.id) ?? null);
  }

  /** Completes or marks retryable a record this run still holds; returns whether it did. */
  async settleIdempotencyKey(id: string, runId: string, state: "completed" | "retryable", result: unknown): Promise<boolean> {
    const { rowCount } = await this.query(
      "tengine_settle_idempotency_key",
      `UPDATE "IdempotencyRecord" SET state = $3::"IdempotencyState", result = $4::jsonb, "completedAt" = (now() AT TIME ZONE 'UTC'), "leaseUntil" = NULL
        WHERE id = $1 AND "runId" = $2`,
      [id, runId, state, json(result)],
    );
    return rowCount === 1;
  }

  /**
   * Records a run and, when given, settles the idempotency key it held — durably: resolves
   * only once the statement holding them has committed. Runs recorded while earlier ones are
   * still being written are grouped into one statement (group commit), so under load a run
   * costs a fraction of a round trip, and a single caller waits for nothing but its own write.
   */
  recordRun(run: RunInsert, settle?: RunSettle): Promise<void> {
    return this.#runs.add(settle ? { run, settle } : { run });
  }

  /**
   * Writes runs and the idempotency settles that go with them in ONE statement: one round
   * trip and one commit, all or nothing. A settle (`WHERE id AND "runId"`) changes nothing when
   * another call has taken the key over since. Overridden to retry while Postgres restarts.
   */
  async writeRuns(writes: RunWrite[], replace = false): Promise<void> {
    // The group travels as ONE json parameter, its rows and settles as objects (json columns
    // nested, not re-encoded): JSON.stringify is native, where 28 array parameters cost the pg
    // driver an escape per element — most of its CPU per call.
    // A Date goes as its ISO string ("…Z"); a `::timestamp` cast drops the zone, keeping UTC wall time.
    const rows = writes.map((w) => w.run);
    const settles = writes.flatMap((w) => (w.settle ? [{ ...w.settle, result: w.settle.result ?? null }] : []));
    await this.query(
      // A group that settles keys is planned for its own values, not prepared (see $3 below).
      settles.length > 0 ? null : replace ? "tengine_replace_runs" : "tengine_write_runs",
      `WITH settled AS (
         UPDATE "IdempotencyRecord" r
            SET state = s.state::"IdempotencyState", result = s.result, "completedAt" = (now() AT TIME ZONE 'UTC'), "leaseUntil" = NULL
           FROM (SELECT * FROM jsonb_to_recordset($2::jsonb) AS s(id text, "runId" text, state text, result jsonb) LIMIT $3) s
          WHERE r.id = s.id AND r."runId" = s."runId"
       )
       INSERT INTO "Run" (id, "projectId", "toolId", "toolName", status, "principalKind", "apiKeyId", "memberId", "memberEmail", "userId",
                          "clientId", "connectionId", "httpStatus", attempts, "gatewayMs", "upstreamMs", "idempotencyKey", "dedupeSource",
                          "originalRunId", arguments, request, response, error, "createdAt", "finishedAt")
       SELECT u.id, u."projectId", u."toolId", u."toolName", u.status::"RunStatus", u."principalKind"::"PrincipalKind", u."apiKeyId", u."memberId",
              u."memberEmail", u."userId", u."clientId", u."connectionId", u."httpStatus", u.attempts, u."gatewayMs", u."upstreamMs", u."idempotencyKey",
              u."dedupeSource", u."originalRunId", u.arguments, u.request, u.response, u.error, u."createdAt"::timestamp,
              (now() AT TIME ZONE 'UTC')
         FROM jsonb_to_recordset($1::jsonb)
           AS u(id text, "projectId" text, "toolId" text, "toolName" text, status text, "principalKind" text, "apiKeyId" text, "memberId" text,
                "memberEmail" text, "userId" text, "clientId" text, "connectionId" text, "httpStatus" int, attempts int, "gatewayMs" int,
                "upstreamMs" int, "idempotencyKey" text, "dedupeSource" text, "originalRunId" text, arguments jsonb, request jsonb,
                response jsonb, error text, "createdAt" text)${replace ? REPLACE_RUN : ""}`,
      // $3, the settles' count, is their exact LIMIT: it tells the planner how many rows the
      // json holds. Without it Postgres assumes 100 and, while the table holds fewer than about
      // 10,000 records (a young install, or one whose expired keys are purged), hash-joins a
      // sequential scan of every record instead of probing the primary key per settle. A
      // prepared statement would also keep the plan it made while the table was empty (a scan)
      // until the next ANALYZE: measured, a group's settle read ~10,000 records. Planning per
      // group costs less than that, and a group holds many calls.
      [wellFormedJson(rows), wellFormedJson(settles), settles.length],
    );
  }

  /**
   * Replaces a run written before it settled (`insertRun`: a call that became a task while
   * running) with its settled row, and settles its key, in one statement. Rare, so not grouped.
   */
  replaceRun(run: RunInsert, settle?: RunSettle): Promise<void> {
    return this.writeRuns([settle ? { run, settle } : { run }], true);
  }

  /**
   * Writes one run at once, outside the group commit: the row of a call still running, which a
   * task handed to the client must find on any replica. Never overwrites a row already there.
   */
  async insertRun(run: RunInsert): Promise<void> {
    await this.query(
      "tengine_insert_run",
      `INSERT INTO "Run" (id, "projectId", "toolId", "toolName", status, "principalKind", "apiKeyId", "memberId", "memberEmail", "userId",
                          "clientId", "connectionId", "httpStatus", attempts, "gatewayMs", "upstreamMs", "idempotencyKey", "dedupeSource",
                          "originalRunId", arguments, request, response, error, "createdAt", "finishedAt")
       VALUES ($1, $2, $3, $4, $5::"RunStatus", $6::"PrincipalKind", $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
               $20::jsonb, $21::jsonb, $22::jsonb, $23, $24::timestamp,
               CASE WHEN $5 = 'running' THEN NULL ELSE (now() AT TIME ZONE 'UTC') END)
       ON CONFLICT (id) DO NOTHING`,
      [
        run.id, run.projectId, run.toolId, run.toolName, run.status, run.principalKind, run.apiKeyId, run.memberId, run.memberEmail, run.userId,
        run.clientId, run.connectionId, run.httpStatus, run.attempts, run.gatewayMs, run.upstreamMs, run.idempotencyKey, run.dedupeSource,
        run.originalRunId, json(run.arguments), json(run.request), json(run.response), run.error, utc(run.createdAt),
      ],
    );
  }
}

/** The settled row of a run written while it ran: every column but its identity and creation. */
const REPLACE_RUN = `
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, "httpStatus" = EXCLUDED."httpStatus", attempts = EXCLUDED.attempts,
         "gatewayMs" = EXCLUDED."gatewayMs", "upstreamMs" = EXCLUDED."upstreamMs", "idempotencyKey" = EXCLUDED."idempotencyKey",
         "dedupeSource" = EXCLUDED."dedupeSource", "originalRunId" = EXCLUDED."originalRunId", arguments = EXCLUDED.arguments,
         request = EXCLUDED.request, response = EXCLUDED.response, error = EXCLUDED.error, "finishedAt" = EXCLUDED."finishedAt"`;

/** How a run's idempotency key ends, written with the run (`HotQueries.recordRun`). */
export type RunSettle = { id: string; runId: string; state: "completed" | "retryable"; result: unknown };

/** One run to write, with the settle of the key it held. */
export type RunWrite = { run: RunInsert; settle?: RunSettle };

export type IdempotencyClaimInsert = {
  id: string;
  projectId: string;
  principalKey: string;
  toolId: string;
  key: string;
  source: string;
  requestHash: string;
  runId: string;
  leaseUntil: Date;
  expiresAt: Date;
};

/** One API-key lookup: the key's hash, and the clock expiry is decided by (null: the database's). */
export type ApiKeyLookup = { hash: string; now: string | null };

export type ApiKeyAuthRow = ProjectConfigColumns & {
  id: string;
  scopes: string[];
  revoked: boolean;
  expired: boolean;
  touchDue: boolean;
};

export type OAuthConnectionAuthRow = ProjectConfigColumns & {
  id: string;
  userId: string;
  clientId: string;
  revoked: boolean;
  touchDue: boolean;
  /** the user is still a member of the project's organization */
  isMember: boolean;
  oauthClientIds: string[];
  oauthScopes: string[];
};

export type MemberSessionAuthRow = ApiKeyAuthRow & {
  /** null when the project has no member-assertion key (any session of it is then ended) */
  memberAssertionKeyId: string | null;
};

export type RunInsert = {
  id: string;
  projectId: string;
  toolId: string | null;
  toolName: string;
  status: string;
  principalKind: string;
  apiKeyId: string | null;
  memberId: string | null;
  memberEmail: string | null;
  userId: string | null;
  clientId: string | null;
  connectionId: string | null;
  httpStatus: number | null;
  attempts: number;
  gatewayMs: number | null;
  upstreamMs: number | null;
  idempotencyKey: string | null;
  dedupeSource: string | null;
  originalRunId: string | null;
  arguments: unknown;
  request: unknown;
  response: unknown;
  error: string | null;
  createdAt: Date;
};

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * JSON that Postgres' jsonb accepts: a lone UTF-16 surrogate (a client may send one, as
 * `\ud800` in its JSON) is refused by jsonb, so strings holding one are written with U+FFFD
 * in its place, as the UTF-8 encoding of a text parameter would. The check is a native scan;
 * the slower rewrite runs only when an escape of a surrogate appears.
 */
export function wellFormedJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!SURROGATE_ESCAPE.test(text)) return text;
  return JSON.stringify(wellFormed(JSON.parse(text)));
}

function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return (value as string & { toWellFormed(): string }).toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormed(v)]));
  return value;
}
const SURROGATE_ESCAPE = /\\ud[89a-f]/i;

/** `timestamp(3)` columns hold UTC wall time: an ISO string without the zone suffix. */
function utc(date: Date): string {
  return date.toISOString().replace("Z", "");
}

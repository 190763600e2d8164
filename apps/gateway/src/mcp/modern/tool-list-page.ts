/** Tools per modern tools/list page. */
export const TOOLS_PAGE_SIZE = 100;
/**
 * How long a modern client may reuse a tools/list page. Short, because the list follows the
 * project's configuration; clients that must see a change at once listen for list_changed.
 */
export const TOOLS_LIST_TTL_MS = 30_000;

type Named = { name: string };

/** The cursor names the last tool of the previous page, so pages stay consistent when tools are added or removed. */
function encodeCursor(after: string): string {
  return Buffer.from(JSON.stringify({ after }), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const after = (parsed as { after?: unknown } | null)?.after;
    return typeof after === "string" ? after : undefined;
  } catch {
    return undefined;
  }
}

const byName = (a: Named, b: Named) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * One page of a modern tools/list: tools ordered by name (code-unit order, the same on every
 * replica), starting after the cursor's tool. `undefined` for a cursor this gateway did not make.
 */
export function toolListPage<T extends Named>(tools: readonly T[], cursor: unknown, pageSize = TOOLS_PAGE_SIZE): { tools: T[]; nextCursor?: string } | undefined {
  let after: string | undefined;
  if (cursor !== undefined) {
    if (typeof cursor !== "string") return undefined;
    after = decodeCursor(cursor);
    if (after === undefined) return undefined;
  }
  const sorted = [...tools].sort(byName);
  const start = after === undefined ? 0 : sorted.findIndex((t) => t.name > after);
  const page = start === -1 ? [] : sorted.slice(start, start + pageSize);
  const more = start !== -1 && start + pageSize < sorted.length;
  return { tools: page, ...(more ? { nextCursor: encodeCursor(page[page.length - 1]!.name) } : {}) };
}

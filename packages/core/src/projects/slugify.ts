import { randomBytes } from "node:crypto";

/** URL-safe slug from a name: lowercase ascii words joined by dashes, ≤ 40 chars. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "project";
}

/** `slugify(name)`, with a short random suffix while `taken` says the slug is in use. */
export async function uniqueSlug(name: string, taken: (slug: string) => Promise<boolean>): Promise<string> {
  const base = slugify(name);
  let slug = base;
  while (await taken(slug)) slug = `${base}-${randomBytes(3).toString("hex")}`;
  return slug;
}

/**
 * Request validation for the demo CRM. Hand-written (no zod) to keep the demo dependency-free;
 * every failure names the field so a model calling through the gateway can correct itself.
 *
 * `null` is treated like an absent field everywhere: the gateway's body templates may render an
 * optional input the model left out as `null`, and that must never wipe data. To clear
 * `email`, `phone` or `companyId` on a PATCH, send an empty string.
 */
import type { ContactPatch, NewCompany, NewContact } from "./store.ts";

export interface Issue {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export const LIMITS = {
  name: 200,
  email: 254,
  phone: 40,
  tag: 50,
  tags: 20,
  noteText: 5000,
  domain: 253,
  industry: 100,
  listDefault: 20,
  listMax: 100,
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Pattern strings shared with the OpenAPI document and the tool input schemas. */
export const PATTERNS = {
  email: EMAIL.source,
  emailOrEmpty: `^$|${EMAIL.source}`,
  domain: "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$",
  phone: "^[^\\r\\n]*[0-9][^\\r\\n]*$",
} as const;

class Fields {
  readonly issues: Issue[] = [];
  constructor(readonly obj: Record<string, unknown>) {}

  /** An optional trimmed string; `null`/absent → undefined; `""` → "" (caller decides). */
  string(field: string, max: number): string | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      this.issues.push({ field, message: "must be a string" });
      return undefined;
    }
    const s = v.trim();
    if (s.length > max) this.issues.push({ field, message: `must be at most ${max} characters` });
    return s;
  }

  /** A required non-empty string (also used for optional-but-non-empty on PATCH). */
  nonEmpty(field: string, max: number, required: boolean): string | undefined {
    const present = this.obj[field] !== undefined && this.obj[field] !== null;
    const s = this.string(field, max);
    if (present && s === "") this.issues.push({ field, message: "must not be empty" });
    if (!present && required) this.issues.push({ field, message: "is required" });
    return s;
  }

  email(field: string): string | undefined {
    const s = this.string(field, LIMITS.email);
    if (s && !EMAIL.test(s)) this.issues.push({ field, message: "must be an email address like name@example.com" });
    return s;
  }

  phone(field: string): string | undefined {
    const s = this.string(field, LIMITS.phone);
    if (s && (!/[0-9]/.test(s) || /[\r\n]/.test(s))) this.issues.push({ field, message: "must be a phone number" });
    return s;
  }

  domain(field: string): string | undefined {
    const s = this.string(field, LIMITS.domain)?.toLowerCase();
    if (s && !DOMAIN.test(s)) this.issues.push({ field, message: "must be a bare domain like example.com (no scheme or path)" });
    return s;
  }

  companyId(field: string, exists: (id: string) => boolean): string | undefined {
    const s = this.string(field, 64);
    if (s && !exists(s)) this.issues.push({ field, message: `no company with id ${s}; use list_companies / GET /companies to find one` });
    return s;
  }

  tags(field: string): string[] | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.issues.push({ field, message: "must be an array of strings" });
      return undefined;
    }
    if (v.length > LIMITS.tags) this.issues.push({ field, message: `must have at most ${LIMITS.tags} tags` });
    const tags: string[] = [];
    v.forEach((tag: unknown, i) => {
      if (typeof tag !== "string" || tag.trim() === "") {
        this.issues.push({ field: `${field}[${i}]`, message: "must be a non-empty string" });
      } else if (tag.trim().length > LIMITS.tag) {
        this.issues.push({ field: `${field}[${i}]`, message: `must be at most ${LIMITS.tag} characters` });
      } else if (!tags.includes(tag.trim())) {
        tags.push(tag.trim());
      }
    });
    return tags;
  }

  onlyKnown(known: readonly string[]): void {
    for (const key of Object.keys(this.obj)) {
      if (!known.includes(key)) this.issues.push({ field: key, message: `unknown field; allowed: ${known.join(", ")}` });
    }
  }

  result<T>(value: T): Parsed<T> {
    return this.issues.length > 0 ? { ok: false, issues: this.issues } : { ok: true, value };
  }
}

function objectBody(body: unknown): Fields | Issue[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return [{ field: "(body)", message: "must be a JSON object" }];
  }
  return new Fields(body as Record<string, unknown>);
}

const CONTACT_FIELDS = ["name", "email", "phone", "companyId", "tags"] as const;

export function parseNewContact(body: unknown, companyExists: (id: string) => boolean): Parsed<NewContact> {
  const f = objectBody(body);
  if (Array.isArray(f)) return { ok: false, issues: f };
  f.onlyKnown(CONTACT_FIELDS);
  const name = f.nonEmpty("name", LIMITS.name, true);
  const email = f.email("email");
  const phone = f.phone("phone");
  const companyId = f.companyId("companyId", companyExists);
  const tags = f.tags("tags");
  return f.result({
    name: name ?? "",
    email: email || null,
    phone: phone || null,
    companyId: companyId || null,
    tags: tags ?? [],
  });
}

export function parseContactPatch(body: unknown, companyExists: (id: string) => boolean): Parsed<ContactPatch> {
  const f = objectBody(body);
  if (Array.isArray(f)) return { ok: false, issues: f };
  f.onlyKnown(CONTACT_FIELDS);
  const patch: ContactPatch = {};
  const name = f.nonEmpty("name", LIMITS.name, false);
  if (name !== undefined) patch.name = name;
  const email = f.email("email");
  if (email !== undefined) patch.email = email || null;
  const phone = f.phone("phone");
  if (phone !== undefined) patch.phone = phone || null;
  const companyId = f.companyId("companyId", companyExists);
  if (companyId !== undefined) patch.companyId = companyId || null;
  const tags = f.tags("tags");
  if (tags !== undefined) patch.tags = tags;
  if (f.issues.length === 0 && Object.keys(patch).length === 0) {
    f.issues.push({ field: "(body)", message: `nothing to update; pass at least one of ${CONTACT_FIELDS.join(", ")}` });
  }
  return f.result(patch);
}

export function parseNewCompany(body: unknown): Parsed<NewCompany> {
  const f = objectBody(body);
  if (Array.isArray(f)) return { ok: false, issues: f };
  f.onlyKnown(["name", "domain", "industry"]);
  const name = f.nonEmpty("name", LIMITS.name, true);
  const domain = f.domain("domain");
  const industry = f.string("industry", LIMITS.industry);
  return f.result({ name: name ?? "", domain: domain || null, industry: industry || null });
}

export function parseNote(body: unknown): Parsed<{ text: string }> {
  const f = objectBody(body);
  if (Array.isArray(f)) return { ok: false, issues: f };
  f.onlyKnown(["text"]);
  const text = f.nonEmpty("text", LIMITS.noteText, true);
  return f.result({ text: text ?? "" });
}

/**
 * Query parameters of list endpoints. Empty values count as absent, because a gateway query
 * template like `q={{input.query}}` may render an omitted input as an empty string.
 */
export function parseListQuery(params: URLSearchParams, allowed: readonly string[]): Parsed<{ q?: string; companyId?: string; limit: number }> {
  const issues: Issue[] = [];
  for (const key of new Set(params.keys())) {
    if (!allowed.includes(key)) issues.push({ field: key, message: `unknown query parameter; allowed: ${allowed.join(", ")}` });
  }
  const value = (key: string): string | undefined => {
    const all = params.getAll(key).map((v) => v.trim()).filter((v) => v !== "");
    if (all.length > 1) issues.push({ field: key, message: "must be given once" });
    return all[0];
  };
  const q = value("q");
  const companyId = value("companyId");
  const rawLimit = value("limit");
  let limit: number = LIMITS.listDefault;
  if (rawLimit !== undefined) {
    const n = Number(rawLimit);
    if (!/^[0-9]+$/.test(rawLimit) || !Number.isSafeInteger(n) || n < 1 || n > LIMITS.listMax) {
      issues.push({ field: "limit", message: `must be an integer from 1 to ${LIMITS.listMax}` });
    } else {
      limit = n;
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: { limit, ...(q !== undefined && { q }), ...(companyId !== undefined && { companyId }) },
  };
}

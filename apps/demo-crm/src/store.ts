/**
 * The demo CRM's in-memory data: contacts, companies and notes, plus the request/write
 * counters and the idempotency records that tests (and curious users) inspect.
 *
 * Everything here is synchronous on purpose: once a request has been read and verified, the
 * server runs its idempotency check, the write and the idempotency record in one tick, so two
 * concurrent requests with the same `Idempotency-Key` can never both write.
 */

export interface Note {
  id: string;
  text: string;
  createdAt: string;
  createdBy: string;
}

export interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  companyId: string | null;
  tags: string[];
  notes: Note[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface Company {
  id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** A contact as the API returns it in lists (notes left out, company name added). */
export interface ContactView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  companyId: string | null;
  companyName: string | null;
  tags: string[];
  noteCount: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface ContactDetailView extends ContactView {
  notes: Note[];
}

export interface CompanyView extends Company {
  contactCount: number;
}

export interface CompanyDetailView extends CompanyView {
  contacts: ContactView[];
}

export interface NewContact {
  name: string;
  email: string | null;
  phone: string | null;
  companyId: string | null;
  tags: string[];
}

/** Fields left `undefined` are not changed. */
export interface ContactPatch {
  name?: string;
  email?: string | null;
  phone?: string | null;
  companyId?: string | null;
  tags?: string[];
}

export interface NewCompany {
  name: string;
  domain: string | null;
  industry: string | null;
}

/** One request that reached a route (after signature verification, when enabled). */
export interface RequestLogEntry {
  at: string;
  method: string;
  /** Route key, e.g. `POST /contacts/{id}/notes`. */
  route: string;
  path: string;
  status: number;
  /** The verified identity, or null when the server runs without a verifier. */
  identity: Record<string, unknown> | null;
  /** Who the write is attributed to (`createdBy` / `updatedBy`). */
  actor: string;
  idempotencyKey: string | null;
  /** True when the response was replayed from an earlier request with the same key. */
  replayed: boolean;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: unknown;
  expiresAt: number;
}

const LOG_LIMIT = 500;

export class DemoStore {
  readonly contacts = new Map<string, Contact>();
  readonly companies = new Map<string, Company>();
  /** Keyed by `<scope>\u0000<Idempotency-Key>`; see server.ts for the scope. */
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Requests that reached each route (replays included), keyed by route key. */
  readonly requests = new Map<string, number>();
  /** Writes actually performed per route key (replays and failed validations excluded). */
  readonly writes = new Map<string, number>();
  /** Responses replayed from the idempotency store, per route key. */
  readonly replays = new Map<string, number>();
  /** Requests refused by the verifier (401). */
  rejected = 0;
  /** The most recent requests, oldest first (bounded). */
  readonly log: RequestLogEntry[] = [];

  private nextContact = 1;
  private nextCompany = 1;
  private nextNote = 1;

  constructor(private readonly now: () => number = Date.now) {
    this.reset();
  }

  /** Total number of writes performed, over all routes. */
  get writeCount(): number {
    return sum(this.writes);
  }

  /** Requests that reached `route` (e.g. `"POST /contacts"`), or all routes when omitted. */
  requestCount(route?: string): number {
    return route === undefined ? sum(this.requests) : (this.requests.get(route) ?? 0);
  }

  /** Writes performed by `route`, or by all routes when omitted. */
  writeCountFor(route?: string): number {
    return route === undefined ? this.writeCount : (this.writes.get(route) ?? 0);
  }

  /** Back to the seed data; counters, log and idempotency records cleared. */
  reset(): void {
    this.contacts.clear();
    this.companies.clear();
    this.idempotency.clear();
    this.requests.clear();
    this.writes.clear();
    this.replays.clear();
    this.log.length = 0;
    this.rejected = 0;
    this.nextContact = 1;
    this.nextCompany = 1;
    this.nextNote = 1;
    seed(this);
  }

  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  // ---- contacts -------------------------------------------------------------------------

  searchContacts(filter: { q?: string; companyId?: string; limit: number }): {
    contacts: ContactView[];
    total: number;
  } {
    const q = filter.q?.toLowerCase();
    const matches = [...this.contacts.values()].filter(
      (c) =>
        (filter.companyId === undefined || c.companyId === filter.companyId) &&
        (q === undefined || c.name.toLowerCase().includes(q) || (c.email ?? "").toLowerCase().includes(q)),
    );
    return { contacts: matches.slice(0, filter.limit).map((c) => this.contactView(c)), total: matches.length };
  }

  getContact(id: string): ContactDetailView | undefined {
    const contact = this.contacts.get(id);
    return contact && { ...this.contactView(contact), notes: contact.notes.map((n) => ({ ...n })) };
  }

  createContact(input: NewContact, actor: string): ContactDetailView {
    const at = this.timestamp();
    const contact: Contact = {
      id: `c_${this.nextContact++}`,
      ...input,
      tags: [...input.tags],
      notes: [],
      createdAt: at,
      createdBy: actor,
      updatedAt: at,
      updatedBy: actor,
    };
    this.contacts.set(contact.id, contact);
    return this.getContact(contact.id)!;
  }

  updateContact(id: string, patch: ContactPatch, actor: string): ContactDetailView | undefined {
    const contact = this.contacts.get(id);
    if (!contact) return undefined;
    if (patch.name !== undefined) contact.name = patch.name;
    if (patch.email !== undefined) contact.email = patch.email;
    if (patch.phone !== undefined) contact.phone = patch.phone;
    if (patch.companyId !== undefined) contact.companyId = patch.companyId;
    if (patch.tags !== undefined) contact.tags = [...patch.tags];
    contact.updatedAt = this.timestamp();
    contact.updatedBy = actor;
    return this.getContact(id);
  }

  deleteContact(id: string): boolean {
    return this.contacts.delete(id);
  }

  addNote(contactId: string, text: string, actor: string): (Note & { contactId: string }) | undefined {
    const contact = this.contacts.get(contactId);
    if (!contact) return undefined;
    const note: Note = { id: `n_${this.nextNote++}`, text, createdAt: this.timestamp(), createdBy: actor };
    contact.notes.push(note);
    contact.updatedAt = note.createdAt;
    contact.updatedBy = actor;
    return { ...note, contactId };
  }

  // ---- companies ------------------------------------------------------------------------

  listCompanies(filter: { q?: string; limit: number }): { companies: CompanyView[]; total: number } {
    const q = filter.q?.toLowerCase();
    const matches = [...this.companies.values()].filter(
      (c) => q === undefined || c.name.toLowerCase().includes(q) || (c.domain ?? "").includes(q),
    );
    return { companies: matches.slice(0, filter.limit).map((c) => this.companyView(c)), total: matches.length };
  }

  getCompany(id: string): CompanyDetailView | undefined {
    const company = this.companies.get(id);
    if (!company) return undefined;
    const contacts = [...this.contacts.values()].filter((c) => c.companyId === id).map((c) => this.contactView(c));
    return { ...this.companyView(company), contacts };
  }

  createCompany(input: NewCompany, actor: string): CompanyDetailView {
    const at = this.timestamp();
    const company: Company = {
      id: `co_${this.nextCompany++}`,
      ...input,
      createdAt: at,
      createdBy: actor,
      updatedAt: at,
      updatedBy: actor,
    };
    this.companies.set(company.id, company);
    return this.getCompany(company.id)!;
  }

  // ---- views ----------------------------------------------------------------------------

  private contactView(c: Contact): ContactView {
    return {
      id: c.id,
      name: c.name,
      email: c.email,
      phone: c.phone,
      companyId: c.companyId,
      companyName: (c.companyId && this.companies.get(c.companyId)?.name) ?? null,
      tags: [...c.tags],
      noteCount: c.notes.length,
      createdAt: c.createdAt,
      createdBy: c.createdBy,
      updatedAt: c.updatedAt,
      updatedBy: c.updatedBy,
    };
  }

  private companyView(c: Company): CompanyView {
    let contactCount = 0;
    for (const contact of this.contacts.values()) if (contact.companyId === c.id) contactCount++;
    return { ...c, contactCount };
  }

  private timestamp(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }

  /** Used by the seed only: a record dated `daysAgo` days in the past. */
  seedContact(input: NewContact & { notes?: string[] }, daysAgo: number): void {
    const at = this.timestamp(-daysAgo * 86_400_000);
    const id = `c_${this.nextContact++}`;
    const notes = (input.notes ?? []).map((text) => ({ id: `n_${this.nextNote++}`, text, createdAt: at, createdBy: "seed" }));
    this.contacts.set(id, {
      id,
      name: input.name,
      email: input.email,
      phone: input.phone,
      companyId: input.companyId,
      tags: input.tags,
      notes,
      createdAt: at,
      createdBy: "seed",
      updatedAt: at,
      updatedBy: "seed",
    });
  }

  seedCompany(input: NewCompany, daysAgo: number): void {
    const at = this.timestamp(-daysAgo * 86_400_000);
    const id = `co_${this.nextCompany++}`;
    this.companies.set(id, { id, ...input, createdAt: at, createdBy: "seed", updatedAt: at, updatedBy: "seed" });
  }
}

function sum(map: Map<string, number>): number {
  let total = 0;
  for (const n of map.values()) total += n;
  return total;
}

/** Four companies (`co_1`…`co_4`) and eight contacts (`c_1`…`c_8`). Domains use `.example` (RFC 2606). */
function seed(store: DemoStore): void {
  store.seedCompany({ name: "Northwind Logistics", domain: "northwind.example", industry: "Logistics" }, 120);
  store.seedCompany({ name: "Acme Robotics", domain: "acme-robotics.example", industry: "Manufacturing" }, 95);
  store.seedCompany({ name: "Bluebird Health", domain: "bluebirdhealth.example", industry: "Healthcare" }, 60);
  store.seedCompany({ name: "Lumen Analytics", domain: "lumen.example", industry: "Software" }, 30);

  const contacts: Array<[NewContact & { notes?: string[] }, number]> = [
    [
      {
        name: "Ada Okafor",
        email: "ada.okafor@northwind.example",
        phone: "+1 415 555 0101",
        companyId: "co_1",
        tags: ["decision-maker", "renewal-q3"],
        notes: ["VP Operations. Renewal due in Q3; wants volume pricing for 40 seats."],
      },
      110,
    ],
    [
      {
        name: "Marcus Lindqvist",
        email: "marcus.lindqvist@northwind.example",
        phone: "+46 8 555 0102",
        companyId: "co_1",
        tags: ["operations"],
      },
      100,
    ],
    [
      {
        name: "Priya Raman",
        email: "priya.raman@acme-robotics.example",
        phone: "+1 617 555 0103",
        companyId: "co_2",
        tags: ["champion"],
        notes: ["Ran the pilot in the Boston plant. Happy to be a reference customer."],
      },
      90,
    ],
    [
      {
        name: "Tomás Herrera",
        email: "tomas.herrera@acme-robotics.example",
        phone: null,
        companyId: "co_2",
        tags: ["technical"],
      },
      80,
    ],
    [
      {
        name: "Grace Chen",
        email: "grace.chen@bluebirdhealth.example",
        phone: "+1 212 555 0105",
        companyId: "co_3",
        tags: ["decision-maker"],
      },
      55,
    ],
    [
      {
        name: "Samuel Adeyemi",
        email: "samuel.adeyemi@bluebirdhealth.example",
        phone: "+44 20 5550 0106",
        companyId: "co_3",
        tags: ["procurement"],
        notes: ["Needs a signed DPA and SOC 2 report before purchase order."],
      },
      50,
    ],
    [
      {
        name: "Elena Petrova",
        email: "elena.petrova@lumen.example",
        phone: "+49 30 5550 0107",
        companyId: "co_4",
        tags: ["champion", "trial"],
      },
      25,
    ],
    [
      {
        name: "Jordan Blake",
        email: "jordan.blake@example.com",
        phone: null,
        companyId: null,
        tags: ["lead"],
        notes: ["Met at the SaaStr booth; independent consultant, follow up in two weeks."],
      },
      7,
    ],
  ];
  for (const [contact, daysAgo] of contacts) store.seedContact(contact, daysAgo);
}

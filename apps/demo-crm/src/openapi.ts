/**
 * The demo CRM's OpenAPI 3.1 document, served at `GET /openapi.json`. It describes every
 * non-public route of `ROUTES` (the test checks this) and carries a `**Required scope:**` line
 * per operation, which Tengine's OpenAPI import turns into the tool's required scopes.
 *
 * `Idempotency-Key` is described in prose and not declared as a header parameter: an imported
 * tool would otherwise expose it as model input, while the gateway sets it itself (DESIGN §7.8).
 */
import { ROUTES } from "./routes.ts";
import { LIMITS, PATTERNS } from "./validate.ts";

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ "application/json": { schema } });
const response = (description: string, schema: Json, headers?: Json): Json => ({
  description,
  content: json(schema),
  ...(headers && { headers }),
});

const IDEMPOTENCY_NOTE =
  "Send an `Idempotency-Key` header to make retries safe: a repeated request with the same key and body " +
  "returns the stored response (status and body, with `Idempotent-Replayed: true`) without writing again; " +
  "keys are kept for 24 hours; the same key with a different body is answered with 422.";

const errors = {
  400: response("The request is invalid; `details` names each problem.", ref("ValidationError")),
  401: response("The request signature is missing or invalid (when the API requires signed requests).", ref("SignatureError")),
  404: response("No record with that id.", ref("Error")),
  422: response("The `Idempotency-Key` was already used for a different request.", ref("Error")),
};

const replayHeader = {
  "Idempotent-Replayed": {
    description: "`true` when this response was replayed for a repeated `Idempotency-Key`.",
    schema: { type: "string", enum: ["true"] },
  },
};

const idParam = (what: string, example: string): Json => ({
  name: "id",
  in: "path",
  required: true,
  description: `The ${what}'s id, e.g. \`${example}\`.`,
  schema: { type: "string", minLength: 1 },
});

const limitParam: Json = {
  name: "limit",
  in: "query",
  required: false,
  description: `Maximum number of results (1–${LIMITS.listMax}, default ${LIMITS.listDefault}).`,
  schema: { type: "integer", minimum: 1, maximum: LIMITS.listMax, default: LIMITS.listDefault },
};

interface OperationText {
  summary: string;
  description: string;
}

/** Summaries double as the import's tool names ("Search contacts" → `search_contacts`). */
const TEXT: Record<string, OperationText> = {
  searchContacts: {
    summary: "Search contacts",
    description:
      "Lists contacts, optionally filtered by a case-insensitive text match on name or email and/or by company. " +
      "Results are ordered by id; `total` counts all matches before `limit` is applied.",
  },
  getContact: {
    summary: "Get contact",
    description: "Returns one contact with its company name and all of its notes.",
  },
  createContact: {
    summary: "Create contact",
    description: `Creates a contact. Only \`name\` is required; \`companyId\` must name an existing company. ${IDEMPOTENCY_NOTE}`,
  },
  updateContact: {
    summary: "Update contact",
    description:
      "Changes only the fields present in the body; absent or `null` fields are left as they are. " +
      "Send an empty string to clear `email`, `phone` or `companyId`, and an empty array to clear `tags` " +
      `(\`tags\` replaces the whole list). ${IDEMPOTENCY_NOTE}`,
  },
  deleteContact: {
    summary: "Delete contact",
    description: `Permanently deletes a contact and its notes. ${IDEMPOTENCY_NOTE}`,
  },
  addContactNote: {
    summary: "Add contact note",
    description: `Appends a note (e.g. a call summary) to a contact. ${IDEMPOTENCY_NOTE}`,
  },
  listCompanies: {
    summary: "List companies",
    description: "Lists companies with their contact counts, optionally filtered by a case-insensitive match on name or domain.",
  },
  getCompany: {
    summary: "Get company",
    description: "Returns one company together with all of its contacts.",
  },
  createCompany: {
    summary: "Create company",
    description: `Creates a company. Only \`name\` is required. ${IDEMPOTENCY_NOTE}`,
  },
};

const OPERATIONS: Record<string, Json> = {
  searchContacts: {
    parameters: [
      { name: "q", in: "query", required: false, description: "Text to match against name or email (case-insensitive substring).", schema: { type: "string" } },
      { name: "companyId", in: "query", required: false, description: "Only contacts of this company, e.g. `co_1`.", schema: { type: "string" } },
      limitParam,
    ],
    responses: { 200: response("Matching contacts.", ref("ContactList")), 400: errors[400], 401: errors[401] },
  },
  getContact: {
    parameters: [idParam("contact", "c_1")],
    responses: { 200: response("The contact.", ref("ContactDetail")), 401: errors[401], 404: errors[404] },
  },
  createContact: {
    requestBody: { required: true, content: json(ref("ContactCreate")) },
    responses: {
      201: response("The created contact.", ref("ContactDetail"), replayHeader),
      400: errors[400],
      401: errors[401],
      422: errors[422],
    },
  },
  updateContact: {
    parameters: [idParam("contact", "c_1")],
    requestBody: { required: true, content: json(ref("ContactUpdate")) },
    responses: {
      200: response("The updated contact.", ref("ContactDetail"), replayHeader),
      400: errors[400],
      401: errors[401],
      404: errors[404],
      422: errors[422],
    },
  },
  deleteContact: {
    parameters: [idParam("contact", "c_1")],
    responses: {
      200: response("The contact was deleted.", ref("Deleted"), replayHeader),
      401: errors[401],
      404: errors[404],
      422: errors[422],
    },
  },
  addContactNote: {
    parameters: [idParam("contact", "c_1")],
    requestBody: { required: true, content: json(ref("NoteCreate")) },
    responses: {
      201: response("The created note.", ref("CreatedNote"), replayHeader),
      400: errors[400],
      401: errors[401],
      404: errors[404],
      422: errors[422],
    },
  },
  listCompanies: {
    parameters: [
      { name: "q", in: "query", required: false, description: "Text to match against name or domain (case-insensitive substring).", schema: { type: "string" } },
      limitParam,
    ],
    responses: { 200: response("Matching companies.", ref("CompanyList")), 400: errors[400], 401: errors[401] },
  },
  getCompany: {
    parameters: [idParam("company", "co_1")],
    responses: { 200: response("The company and its contacts.", ref("CompanyDetail")), 401: errors[401], 404: errors[404] },
  },
  createCompany: {
    requestBody: { required: true, content: json(ref("CompanyCreate")) },
    responses: {
      201: response("The created company.", ref("CompanyDetail"), replayHeader),
      400: errors[400],
      401: errors[401],
      422: errors[422],
    },
  },
};

const nullableString = (description: string, extra: Json = {}): Json => ({ type: ["string", "null"], description, ...extra });
const audit = {
  createdAt: { type: "string", format: "date-time" },
  createdBy: { type: "string", description: "Who created the record: the member's email, or the caller's principal kind." },
  updatedAt: { type: "string", format: "date-time" },
  updatedBy: { type: "string", description: "Who last changed the record." },
};
const auditRequired = ["createdAt", "createdBy", "updatedAt", "updatedBy"];
const tags = (description: string): Json => ({
  type: "array",
  description,
  maxItems: LIMITS.tags,
  items: { type: "string", minLength: 1, maxLength: LIMITS.tag },
});

const SCHEMAS: Record<string, Json> = {
  Contact: {
    type: "object",
    properties: {
      id: { type: "string", examples: ["c_1"] },
      name: { type: "string" },
      email: nullableString("Email address."),
      phone: nullableString("Phone number."),
      companyId: nullableString("Id of the contact's company."),
      companyName: nullableString("Name of the contact's company."),
      tags: { type: "array", items: { type: "string" } },
      noteCount: { type: "integer", minimum: 0 },
      ...audit,
    },
    required: ["id", "name", "email", "phone", "companyId", "companyName", "tags", "noteCount", ...auditRequired],
  },
  ContactDetail: {
    allOf: [
      ref("Contact"),
      { type: "object", properties: { notes: { type: "array", items: ref("Note") } }, required: ["notes"] },
    ],
  },
  ContactList: {
    type: "object",
    properties: {
      contacts: { type: "array", items: ref("Contact") },
      total: { type: "integer", minimum: 0, description: "Number of matches before `limit` was applied." },
    },
    required: ["contacts", "total"],
  },
  ContactCreate: {
    type: "object",
    properties: {
      name: { type: "string", minLength: 1, maxLength: LIMITS.name, description: "Full name." },
      email: nullableString("Email address.", { maxLength: LIMITS.email, pattern: PATTERNS.email }),
      phone: nullableString("Phone number, any format.", { maxLength: LIMITS.phone }),
      companyId: nullableString("Id of an existing company, e.g. `co_1`."),
      tags: tags("Free-form labels, e.g. `decision-maker`."),
    },
    required: ["name"],
    additionalProperties: false,
  },
  ContactUpdate: {
    type: "object",
    description: "At least one field. Absent or `null` fields are left unchanged.",
    properties: {
      name: { type: ["string", "null"], minLength: 1, maxLength: LIMITS.name },
      email: nullableString("New email; empty string clears it.", { maxLength: LIMITS.email, pattern: PATTERNS.emailOrEmpty }),
      phone: nullableString("New phone; empty string clears it.", { maxLength: LIMITS.phone }),
      companyId: nullableString("New company id; empty string removes the contact from its company."),
      tags: tags("Replaces the whole tag list; an empty array clears it."),
    },
    minProperties: 1,
    additionalProperties: false,
  },
  Note: {
    type: "object",
    properties: {
      id: { type: "string", examples: ["n_1"] },
      text: { type: "string" },
      createdAt: audit.createdAt,
      createdBy: audit.createdBy,
    },
    required: ["id", "text", "createdAt", "createdBy"],
  },
  CreatedNote: {
    allOf: [ref("Note"), { type: "object", properties: { contactId: { type: "string" } }, required: ["contactId"] }],
  },
  NoteCreate: {
    type: "object",
    properties: { text: { type: "string", minLength: 1, maxLength: LIMITS.noteText } },
    required: ["text"],
    additionalProperties: false,
  },
  Company: {
    type: "object",
    properties: {
      id: { type: "string", examples: ["co_1"] },
      name: { type: "string" },
      domain: nullableString("Web domain, e.g. `northwind.example`."),
      industry: nullableString("Industry."),
      contactCount: { type: "integer", minimum: 0 },
      ...audit,
    },
    required: ["id", "name", "domain", "industry", "contactCount", ...auditRequired],
  },
  CompanyDetail: {
    allOf: [
      ref("Company"),
      { type: "object", properties: { contacts: { type: "array", items: ref("Contact") } }, required: ["contacts"] },
    ],
  },
  CompanyList: {
    type: "object",
    properties: {
      companies: { type: "array", items: ref("Company") },
      total: { type: "integer", minimum: 0, description: "Number of matches before `limit` was applied." },
    },
    required: ["companies", "total"],
  },
  CompanyCreate: {
    type: "object",
    properties: {
      name: { type: "string", minLength: 1, maxLength: LIMITS.name },
      domain: nullableString("Bare domain, e.g. `example.com`.", { maxLength: LIMITS.domain, pattern: PATTERNS.domain }),
      industry: nullableString("Industry, e.g. `Software`.", { maxLength: LIMITS.industry }),
    },
    required: ["name"],
    additionalProperties: false,
  },
  Deleted: {
    type: "object",
    properties: { id: { type: "string" }, deleted: { const: true } },
    required: ["id", "deleted"],
  },
  Error: {
    type: "object",
    properties: { error: { type: "string" }, message: { type: "string" } },
    required: ["error"],
  },
  ValidationError: {
    type: "object",
    properties: {
      error: { type: "string", examples: ["validation_failed"] },
      details: {
        type: "array",
        items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } }, required: ["field", "message"] },
      },
    },
    required: ["error", "details"],
  },
  SignatureError: {
    type: "object",
    properties: { error: { const: "invalid_signature" }, reason: { type: "string" } },
    required: ["error", "reason"],
  },
};

/** Builds the document for a server reachable at `baseUrl`. */
export function buildOpenApiDocument(baseUrl: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES) {
    if (route.public) continue;
    const text = TEXT[route.operationId];
    const operation = OPERATIONS[route.operationId];
    if (!text || !operation) throw new Error(`OpenAPI text missing for ${route.operationId}`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: text.summary,
      description: `${text.description}\n\n**Required scope:** ${route.scope}`,
      tags: [route.path.startsWith("/companies") ? "companies" : "contacts"],
      ...operation,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Demo CRM",
      version: "1.0.0",
      description:
        "A small CRM (contacts, companies, notes) that ships with Tengine as the demo project's upstream API. " +
        "When started with a verifier, every request except `/openapi.json` and `/healthz` must carry a valid " +
        "Tengine HTTP Message Signature (RFC 9421); writes record the verified member (or principal) as `createdBy` / `updatedBy`.",
    },
    servers: [{ url: baseUrl }],
    tags: [
      { name: "contacts", description: "People and the notes about them." },
      { name: "companies", description: "Organizations contacts belong to." },
    ],
    paths,
    components: { schemas: SCHEMAS },
  };
}

/**
 * The demo project's MCP tools, as tool-definition objects (DESIGN §6). The same JSON shape is
 * the `tengine tools create --file` format, so `JSON.stringify(demoCrmTools(url)[0])` is a
 * valid tool file.
 *
 * Templates follow DESIGN §6: `{{input.x}}` in a path is one percent-encoded segment; in
 * `query` it is encoded (arrays repeat the key); in `body` a placeholder that is the whole JSON
 * string is replaced by the typed value. Optional inputs the model leaves out are expected to
 * render as absent or `null`, which the demo CRM treats as "not given" (it never clears a field
 * because of a `null`).
 */

/** A JSON value (template bodies are JSON with `{{…}}` placeholders inside strings). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON Schema 2020-12 document describing a tool's arguments; always `"type": "object"`. */
export type JsonSchemaObject = {
  type: "object";
  properties: Record<string, JsonValue>;
  required?: string[];
  additionalProperties?: boolean;
  [keyword: string]: JsonValue | undefined;
};

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Outbound authentication; `hmac` signs the request with the project's signing secret (§9). */
export interface ToolAuth {
  type: "none" | "bearer" | "header" | "hmac" | "bearer+hmac";
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A tool definition as registered with Tengine (DESIGN §6) and read by `tengine tools create --file`. */
export interface ToolDefinition {
  /** Unique per project, `^[A-Za-z0-9_.-]{1,64}$`. */
  name: string;
  title?: string;
  description: string;
  inputSchema: JsonSchemaObject;
  method: HttpMethod;
  /** URL template, e.g. `https://api.example.com/contacts/{{input.id}}`. */
  url: string;
  /** Query parameter name → value template. */
  query?: Record<string, string>;
  /** Header name → value template. */
  headers?: Record<string, string>;
  /** JSON body template. */
  body?: JsonValue;
  auth: ToolAuth;
  requiredScopes: string[];
  annotations: ToolAnnotations;
}

const READ: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const CREATE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

const contactId = { type: "string", minLength: 1, description: "The contact's id, e.g. \"c_1\"." } as const;
const companyId = { type: "string", minLength: 1, description: "The company's id, e.g. \"co_1\"." } as const;
const tags = (description: string): JsonValue => ({
  type: "array",
  items: { type: "string", minLength: 1, maxLength: 50 },
  maxItems: 20,
  description,
});
const limit = (what: string): JsonValue => ({
  type: "integer",
  minimum: 1,
  maximum: 100,
  description: `Maximum number of ${what} to return (default 20).`,
});
const EMAIL_PATTERN = "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$";

/** What every returned contact looks like, so descriptions can say what the model gets. */
const CONTACT_FIELDS = "id, name, email, phone, companyId, companyName, tags, noteCount, createdAt/createdBy, updatedAt/updatedBy";

/** The demo CRM's tools, pointing at the CRM served at `baseUrl` (trailing slashes ignored). */
export function demoCrmTools(baseUrl: string): ToolDefinition[] {
  const base = baseUrl.replace(/\/+$/, "");
  return [
    {
      name: "search_contacts",
      title: "Search contacts",
      description:
        "Search the CRM's contacts by a text match on name or email, and/or list the contacts of one company. " +
        "Use this first whenever the user mentions a person, to find the contact's id before reading or changing it. " +
        "Call it with no arguments to list everyone. " +
        `Returns { contacts: [...], total }, each contact with ${CONTACT_FIELDS}; total counts all matches even when limit cuts the list.`,
      inputSchema: {
        type: "object",
        properties: {
          query: { type: "string", description: "Case-insensitive text found in the name or email, e.g. \"ada\" or \"@northwind\"." },
          companyId: { ...companyId, description: "Only contacts of this company, e.g. \"co_1\" (see list_companies)." },
          limit: limit("contacts"),
        },
        additionalProperties: false,
      },
      method: "GET",
      url: `${base}/contacts`,
      query: { q: "{{input.query}}", companyId: "{{input.companyId}}", limit: "{{input.limit}}" },
      auth: { type: "hmac" },
      requiredScopes: ["contacts:read"],
      annotations: READ,
    },
    {
      name: "get_contact",
      title: "Get contact",
      description:
        "Fetch one contact by id, including all notes recorded about them. " +
        "Use it when you need the full history of a person (e.g. before a call or before editing). " +
        `Returns the contact (${CONTACT_FIELDS}) plus notes: [{ id, text, createdAt, createdBy }]. Unknown ids give a 404 error.`,
      inputSchema: { type: "object", properties: { id: contactId }, required: ["id"], additionalProperties: false },
      method: "GET",
      url: `${base}/contacts/{{input.id}}`,
      auth: { type: "hmac" },
      requiredScopes: ["contacts:read"],
      annotations: READ,
    },
    {
      name: "create_contact",
      title: "Create contact",
      description:
        "Add a new person to the CRM. Only name is required. To attach them to a company, pass its companyId " +
        "(find it with list_companies, or create it first with create_company). Search first to avoid duplicates. " +
        "Returns the created contact with its new id (e.g. \"c_9\"); createdBy shows who made the change.",
      inputSchema: {
        type: "object",
        properties: {
          name: { type: "string", minLength: 1, maxLength: 200, description: "Full name, e.g. \"Ada Okafor\"." },
          email: { type: "string", maxLength: 254, pattern: EMAIL_PATTERN, description: "Email address." },
          phone: { type: "string", minLength: 1, maxLength: 40, description: "Phone number in any format, e.g. \"+1 415 555 0101\"." },
          companyId: { ...companyId, description: "Id of an existing company, e.g. \"co_1\"." },
          tags: tags("Labels such as \"lead\", \"champion\" or \"decision-maker\"."),
        },
        required: ["name"],
        additionalProperties: false,
      },
      method: "POST",
      url: `${base}/contacts`,
      body: {
        name: "{{input.name}}",
        email: "{{input.email}}",
        phone: "{{input.phone}}",
        companyId: "{{input.companyId}}",
        tags: "{{input.tags}}",
      },
      auth: { type: "hmac" },
      requiredScopes: ["contacts:write"],
      annotations: CREATE,
    },
    {
      name: "update_contact",
      title: "Update contact",
      description:
        "Change fields of an existing contact. Only the fields you pass are changed; the rest stay as they are. " +
        "Pass an empty string to clear email, phone or companyId. tags replaces the whole tag list, so to add a tag " +
        "read the contact first and send the old tags plus the new one. " +
        "Returns the updated contact including notes; updatedBy shows who made the change.",
      inputSchema: {
        type: "object",
        properties: {
          id: contactId,
          name: { type: "string", minLength: 1, maxLength: 200, description: "New full name." },
          email: { type: "string", maxLength: 254, pattern: `^$|${EMAIL_PATTERN}`, description: "New email address, or \"\" to clear it." },
          phone: { type: "string", maxLength: 40, description: "New phone number, or \"\" to clear it." },
          companyId: { type: "string", description: "Id of the new company (e.g. \"co_2\"), or \"\" to detach the contact from its company." },
          tags: tags("The complete new tag list (replaces the old one); [] clears all tags."),
        },
        required: ["id"],
        minProperties: 2,
        additionalProperties: false,
      },
      method: "PATCH",
      url: `${base}/contacts/{{input.id}}`,
      body: {
        name: "{{input.name}}",
        email: "{{input.email}}",
        phone: "{{input.phone}}",
        companyId: "{{input.companyId}}",
        tags: "{{input.tags}}",
      },
      auth: { type: "hmac" },
      requiredScopes: ["contacts:write"],
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: "delete_contact",
      title: "Delete contact",
      description:
        "Permanently delete a contact and all of their notes. This cannot be undone: only use it when the user " +
        "explicitly asks to remove that person, and confirm the right contact (search_contacts / get_contact) first. " +
        "Returns { id, deleted: true }.",
      inputSchema: { type: "object", properties: { id: contactId }, required: ["id"], additionalProperties: false },
      method: "DELETE",
      url: `${base}/contacts/{{input.id}}`,
      auth: { type: "hmac" },
      requiredScopes: ["contacts:write"],
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    {
      name: "list_companies",
      title: "List companies",
      description:
        "List the companies in the CRM, optionally filtered by a text match on name or domain. " +
        "Use it to find a company's id (for create_contact, update_contact or search_contacts) or to get an overview. " +
        "Returns { companies: [...], total }, each company with id, name, domain, industry, contactCount and audit fields.",
      inputSchema: {
        type: "object",
        properties: {
          query: { type: "string", description: "Case-insensitive text found in the company name or domain, e.g. \"acme\"." },
          limit: limit("companies"),
        },
        additionalProperties: false,
      },
      method: "GET",
      url: `${base}/companies`,
      query: { q: "{{input.query}}", limit: "{{input.limit}}" },
      auth: { type: "hmac" },
      requiredScopes: ["companies:read"],
      annotations: READ,
    },
    {
      name: "get_company",
      title: "Get company",
      description:
        "Fetch one company by id together with all of its contacts. Use it to answer questions like " +
        "\"who do we know at Acme?\". Returns the company (id, name, domain, industry, contactCount, audit fields) " +
        "plus contacts: [...]. Unknown ids give a 404 error.",
      inputSchema: { type: "object", properties: { id: companyId }, required: ["id"], additionalProperties: false },
      method: "GET",
      url: `${base}/companies/{{input.id}}`,
      auth: { type: "hmac" },
      requiredScopes: ["companies:read"],
      annotations: READ,
    },
    {
      name: "create_company",
      title: "Create company",
      description:
        "Add a new company (organization) to the CRM. Only name is required. Check list_companies first to avoid " +
        "duplicates. Returns the created company with its new id (e.g. \"co_5\"), which you can then pass as " +
        "companyId to create_contact or update_contact.",
      inputSchema: {
        type: "object",
        properties: {
          name: { type: "string", minLength: 1, maxLength: 200, description: "Company name, e.g. \"Globex Corporation\"." },
          domain: {
            type: "string",
            maxLength: 253,
            pattern: "^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$",
            description: "Bare web domain without scheme or path, e.g. \"globex.com\".",
          },
          industry: { type: "string", minLength: 1, maxLength: 100, description: "Industry, e.g. \"Software\" or \"Healthcare\"." },
        },
        required: ["name"],
        additionalProperties: false,
      },
      method: "POST",
      url: `${base}/companies`,
      body: { name: "{{input.name}}", domain: "{{input.domain}}", industry: "{{input.industry}}" },
      auth: { type: "hmac" },
      requiredScopes: ["companies:write"],
      annotations: CREATE,
    },
    {
      name: "add_contact_note",
      title: "Add note to contact",
      description:
        "Append a note to a contact, e.g. a call summary, a meeting outcome or a follow-up reminder. Notes are kept " +
        "in order and cannot be edited. Returns the note { id, contactId, text, createdAt, createdBy }; createdBy " +
        "shows who wrote it.",
      inputSchema: {
        type: "object",
        properties: {
          id: contactId,
          text: { type: "string", minLength: 1, maxLength: 5000, description: "The note's text (plain text, up to 5000 characters)." },
        },
        required: ["id", "text"],
        additionalProperties: false,
      },
      method: "POST",
      url: `${base}/contacts/{{input.id}}/notes`,
      body: { text: "{{input.text}}" },
      auth: { type: "hmac" },
      requiredScopes: ["contacts:write"],
      annotations: CREATE,
    },
  ];
}

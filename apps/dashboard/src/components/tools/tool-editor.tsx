"use client";
import { useRouter } from "next/navigation";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { Button, Card, Checkbox, Field, FormError, Input, Select, useLeaveGuard } from "@/components/ui/index.ts";
import { createToolAction, updateToolAction } from "@/server/actions/tools.ts";
import { checkInputSchema, describeJsonError, parseJson } from "./json-check.ts";
import { KeyValueRows, type KeyValueRow, newRow } from "./key-value-rows.tsx";
import { invalidScopes, ScopeChips } from "./scope-chips.tsx";

/** The stored tool as the editor needs it; secrets are never part of it (only `secretSet`). */
export type EditorTool = {
  id: string;
  name: string;
  title?: string;
  description: string;
  enabled: boolean;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations: Record<string, boolean>;
  requiredScopes: string[];
  requiresApproval: boolean;
  method: string;
  url: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: unknown;
  auth: { type: AuthType; name?: string; secretSet?: boolean };
  timeoutMs: number;
  maxAttempts: number;
  maxResponseBytes: number;
  idempotencyWindowSec: number;
  source: string;
};

type AuthType = "none" | "bearer" | "header" | "hmac" | "bearer+hmac";
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const AUTH_TYPES: Array<{ value: AuthType; label: string; help: string }> = [
  { value: "none", label: "None", help: "No credentials are added. Identity headers (X-Tengine-…) are still sent." },
  { value: "bearer", label: "Bearer token", help: "Sends Authorization: Bearer <token>." },
  { value: "header", label: "Custom header", help: "Sends the secret in a header you name, e.g. X-Api-Key." },
  { value: "hmac", label: "HMAC signature", help: "Signs every request with the project's signing secret (RFC 9421); your API verifies it with the SDK's verifyRequest()." },
  { value: "bearer+hmac", label: "Bearer token + HMAC signature", help: "Both: Authorization: Bearer <token>, and the request is signed with the project's signing secret." },
];
const ANNOTATIONS = [
  { key: "readOnlyHint", label: "Read-only", help: "Does not change anything. Read-only calls get no derived idempotency key." },
  { key: "destructiveHint", label: "Destructive", help: "May delete or overwrite data; clients may ask before calling." },
  { key: "idempotentHint", label: "Idempotent", help: "Calling twice with the same arguments has the same effect as once." },
  { key: "openWorldHint", label: "Open world", help: "Talks to systems outside your control (the web, third parties)." },
] as const;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const needsSecret = (t: AuthType) => t === "bearer" || t === "bearer+hmac" || t === "header";

type State = {
  name: string;
  title: string;
  description: string;
  enabled: boolean;
  method: string;
  url: string;
  query: KeyValueRow[];
  headers: KeyValueRow[];
  body: string;
  inputSchema: string;
  outputSchema: string;
  authType: AuthType;
  authHeaderName: string;
  authSecret: string;
  requiredScopes: string[];
  requiresApproval: boolean;
  annotations: Record<string, boolean>;
  timeoutMs: string;
  maxAttempts: string;
  maxResponseBytes: string;
  idempotencyWindowSec: string;
};

const NEW_SCHEMA = { type: "object", properties: {}, additionalProperties: false };

function initialState(tool?: EditorTool): State {
  return {
    name: tool?.name ?? "",
    title: tool?.title ?? "",
    description: tool?.description ?? "",
    enabled: tool?.enabled ?? true,
    method: tool?.method ?? "GET",
    url: tool?.url ?? "https://",
    query: Object.entries(tool?.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => newRow(k, item)) : [newRow(k, v)])),
    headers: Object.entries(tool?.headers ?? {}).map(([k, v]) => newRow(k, v)),
    body: tool?.body === undefined || tool.body === null ? "" : JSON.stringify(tool.body, null, 2),
    inputSchema: JSON.stringify(tool?.inputSchema ?? NEW_SCHEMA, null, 2),
    outputSchema: tool?.outputSchema ? JSON.stringify(tool.outputSchema, null, 2) : "",
    authType: tool?.auth.type ?? "none",
    authHeaderName: tool?.auth.name ?? "",
    authSecret: "",
    requiredScopes: tool?.requiredScopes ?? [],
    requiresApproval: tool?.requiresApproval ?? false,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false, ...(tool?.annotations ?? {}) },
    timeoutMs: String(tool?.timeoutMs ?? 10_000),
    maxAttempts: String(tool?.maxAttempts ?? 3),
    maxResponseBytes: String(tool?.maxResponseBytes ?? 262_144),
    idempotencyWindowSec: String(tool?.idempotencyWindowSec ?? 60),
  };
}

/** Row ids are UI-only; everything else is what "dirty" compares. */
function snapshot(s: State) {
  return JSON.stringify({ ...s, query: s.query.map((r) => [r.key, r.value]), headers: s.headers.map((r) => [r.key, r.value]) });
}

/**
 * The tool definition of DESIGN §6 as a form, or the field errors that stop it being sent.
 * Rows with an empty name and value are dropped; repeated query names become an array.
 */
function buildDefinition(s: State): { ok: true; definition: Record<string, unknown> } | { ok: false; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const schema = parseJson(s.inputSchema);
  // The same check the field shows live: never send a schema the form itself marks invalid.
  const schemaCheck = checkInputSchema(s.inputSchema);
  if (schemaCheck.state !== "ok") fieldErrors.inputSchema = schemaCheck.message;
  let outputSchema: unknown;
  if (s.outputSchema.trim()) {
    const parsed = parseJson(s.outputSchema);
    if (parsed.ok) outputSchema = parsed.value;
    else fieldErrors.outputSchema = describeJsonError(parsed);
  }
  let body: unknown;
  if (s.body.trim()) {
    const parsed = parseJson(s.body);
    if (parsed.ok) body = parsed.value;
    else fieldErrors.body = describeJsonError(parsed);
  }
  const numbers: Record<string, number> = {};
  for (const key of ["timeoutMs", "maxAttempts", "maxResponseBytes", "idempotencyWindowSec"] as const) {
    const n = Number(s[key]);
    if (s[key].trim() === "" || !Number.isInteger(n)) fieldErrors[key] = "Enter a whole number.";
    numbers[key] = n;
  }
  const query: Record<string, string | string[]> = {};
  for (const r of s.query) {
    if (!r.key && !r.value) continue;
    const existing = query[r.key];
    query[r.key] = existing === undefined ? r.value : [...(Array.isArray(existing) ? existing : [existing]), r.value];
  }
  const headers: Record<string, string> = {};
  for (const r of s.headers) {
    if (!r.key && !r.value) continue;
    if (r.key in headers) fieldErrors.headers = `The header ${r.key} appears twice.`;
    headers[r.key] = r.value;
  }
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  const auth =
    s.authType === "bearer" || s.authType === "bearer+hmac"
      ? { type: s.authType, token: s.authSecret }
      : s.authType === "header"
        ? { type: s.authType, name: s.authHeaderName.trim(), value: s.authSecret }
        : { type: s.authType };
  return {
    ok: true,
    definition: {
      name: s.name.trim(),
      ...(s.title.trim() ? { title: s.title.trim() } : {}),
      description: s.description,
      enabled: s.enabled,
      method: s.method,
      url: s.url.trim(),
      ...(Object.keys(query).length ? { query } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
      inputSchema: schema.ok ? schema.value : {},
      ...(outputSchema !== undefined ? { outputSchema } : {}),
      auth,
      requiredScopes: s.requiredScopes,
      requiresApproval: s.requiresApproval,
      annotations: s.annotations,
      ...numbers,
    },
  };
}

const textarea =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-red-500 disabled:bg-slate-50";

/**
 * Create or edit a tool: every field of the definition, live checks of the input schema and the
 * body template, server errors next to their field, secrets write-only.
 */
export function ToolEditor({ slug, tool, readOnly, onDirtyChange }: { slug: string; tool?: EditorTool; readOnly?: boolean; onDirtyChange?: (dirty: boolean) => void }) {
  const router = useRouter();
  const [state, setState] = useState(() => initialState(tool));
  const [saved, setSaved] = useState(() => snapshot(initialState(tool)));
  const [secretSet, setSecretSet] = useState(!!tool?.auth.secretSet);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string>();
  const [pending, setPending] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const set = <K extends keyof State>(key: K, value: State[K]) => {
    setState((s) => ({ ...s, [key]: value }));
    setMessage(undefined);
  };

  const dirty = snapshot(state) !== saved;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  // Leaving with unsaved edits asks first: closing the tab, reloading, or any link in the app.
  useLeaveGuard(dirty && !readOnly);
  // After a failed save, take the keyboard to the first field that needs attention.
  useEffect(() => {
    if (Object.keys(fieldErrors).length) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [fieldErrors]);

  const schemaCheck = useMemo(() => checkInputSchema(state.inputSchema), [state.inputSchema]);
  const bodyCheck = useMemo(() => (state.body.trim() ? parseJson(state.body) : undefined), [state.body]);
  const nameProblem = state.name && !NAME_PATTERN.test(state.name) ? "Letters, digits, _ . - only; at most 64 characters." : undefined;
  const badScopes = invalidScopes(state.requiredScopes);
  const keepingSecret = !!tool && secretSet && needsSecret(state.authType);

  async function submit() {
    setError(undefined);
    setMessage(undefined);
    const built = buildDefinition(state);
    if (!built.ok) {
      setFieldErrors(built.fieldErrors);
      setError("Check the highlighted fields.");
      return;
    }
    setPending(true);
    const result = tool ? await updateToolAction(slug, { toolId: tool.id, definition: built.definition, keepSecret: true }) : await createToolAction(slug, { definition: built.definition });
    setPending(false);
    if (!result.ok) {
      setError(result.error);
      setFieldErrors(result.fieldErrors ?? {});
      return;
    }
    setFieldErrors({});
    const name = result.data?.name ?? state.name;
    if (!tool) {
      setSaved(snapshot(state)); // no unsaved-changes prompt on the way to the new page
      router.push(`/projects/${slug}/tools/${encodeURIComponent(name)}?created=1`);
      return;
    }
    if (state.authSecret) setSecretSet(true);
    if (!needsSecret(state.authType)) setSecretSet(false);
    const next = { ...state, authSecret: "" };
    setState(next);
    setSaved(snapshot(next));
    setMessage(result.message ?? "Saved");
    if (name !== tool.name) router.replace(`/projects/${slug}/tools/${encodeURIComponent(name)}?renamed=${encodeURIComponent(tool.name)}`);
    else router.refresh();
  }

  // Server messages start lower-case ("placeholders are only allowed…"); under a field they read as sentences.
  const fe = (key: string) => {
    const text = fieldErrors[key];
    return text ? text[0]!.toUpperCase() + text.slice(1) : undefined;
  };
  const authHelp = AUTH_TYPES.find((a) => a.value === state.authType)?.help;

  return (
    <form
      ref={form}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      className="space-y-5"
    >
      <FormError message={error} />
      <fieldset disabled={readOnly} className="min-w-0 space-y-5">
        <legend className="sr-only">Tool definition</legend>

        <Card title="Basics" description="How AI clients see the tool in tools/list.">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Tool name" htmlFor="tool-name" hint="Unique in the project: letters, digits, _ . - (max 64)." error={fe("name")} liveError={nameProblem}>
              <Input id="tool-name" value={state.name} onChange={(e) => set("name", e.target.value)} invalid={!!(fe("name") ?? nameProblem)} placeholder="search_contacts" className="font-mono" required spellCheck={false} autoComplete="off" />
            </Field>
            <Field label="Title (optional)" htmlFor="tool-title" hint="A human-friendly name." error={fe("title")}>
              <Input id="tool-title" value={state.title} onChange={(e) => set("title", e.target.value)} invalid={!!fe("title")} placeholder="Search contacts" />
            </Field>
          </div>
          <div className="mt-4">
            <Field label="Description" htmlFor="tool-description" hint="Tell the model when to use the tool and what it returns — this is what it reads." error={fe("description")}>
              <textarea id="tool-description" rows={Math.min(8, Math.max(3, Math.ceil(state.description.length / 90) + state.description.split("\n").length - 1))} value={state.description} onChange={(e) => set("description", e.target.value)} aria-invalid={!!fe("description") || undefined} className={`${textarea} text-sm`} placeholder="Search the CRM's contacts by name or email. Returns { contacts, total }." />
            </Field>
          </div>
          <div className="mt-4">
            <Checkbox label={<span>Enabled <span className="text-slate-500">— listed in tools/list and callable</span></span>} checked={state.enabled} onChange={(e) => set("enabled", e.target.checked)} />
          </div>
        </Card>

        <Card title="Request" description="The HTTP request each call sends. Placeholders are filled from the call, never concatenated as code.">
          <div className="grid gap-4 sm:grid-cols-[8rem_minmax(0,1fr)]">
            <Field label="Method" htmlFor="tool-method" error={fe("method")}>
              <Select id="tool-method" value={state.method} onChange={(e) => set("method", e.target.value)} invalid={!!fe("method")} className="font-mono">
                {METHODS.map((m) => <option key={m}>{m}</option>)}
              </Select>
            </Field>
            <Field label="URL template" htmlFor="tool-url" error={fe("url")} hint={<>Placeholders only in the path, e.g. <code className="font-mono">https://api.example.com/contacts/{"{{input.id}}"}</code> — each value becomes one encoded segment.</>}>
              <Input id="tool-url" value={state.url} onChange={(e) => set("url", e.target.value)} invalid={!!fe("url")} className="font-mono" spellCheck={false} autoComplete="off" placeholder="https://api.example.com/contacts" />
            </Field>
          </div>
          <TemplateVariables />
          <Group label="Query parameters" htmlFor="tool-query" error={fe("query")} hint="Values are encoded; repeat a name to send several values; an absent optional input leaves the parameter out.">
            <KeyValueRows id="tool-query" noun="query parameter" rows={state.query} onChange={(rows) => set("query", rows)} keyPlaceholder="limit" valuePlaceholder="{{input.limit}}" invalid={!!fe("query")} />
          </Group>
          <Group label="Headers" htmlFor="tool-headers" error={fe("headers")} hint={<>Project secrets may be used here only: <code className="font-mono">{"{{secrets.NAME}}"}</code>. Credentials of the outbound auth are added for you.</>}>
            <KeyValueRows id="tool-headers" noun="header" rows={state.headers} onChange={(rows) => set("headers", rows)} keyPlaceholder="X-Trace-Source" valuePlaceholder="{{member.id}}" invalid={!!fe("headers")} />
          </Group>
          <div className="mt-5">
            <Field
              label="Body template (JSON, optional)"
              htmlFor="tool-body"
              error={fe("body")}
              hint={<>A placeholder that is a whole string keeps its type: <code className="font-mono">{'{"limit": "{{input.limit}}"}'}</code> sends a number.</>}
            >
              <textarea id="tool-body" rows={6} value={state.body} onChange={(e) => set("body", e.target.value)} aria-invalid={!!fe("body") || (bodyCheck && !bodyCheck.ok) || undefined} className={`${textarea} font-mono text-xs`} placeholder={'{\n  "name": "{{input.name}}"\n}'} spellCheck={false} />
            </Field>
            {bodyCheck ? <LiveCheck ok={bodyCheck.ok} text={bodyCheck.ok ? "Valid JSON" : describeJsonError(bodyCheck)} /> : null}
          </div>
        </Card>

        <Card title="Input schema" description="JSON Schema 2020-12 for the arguments. The gateway validates every call against it before anything is sent.">
          <Field label="Input schema (JSON)" htmlFor="tool-input-schema" error={fe("inputSchema")}>
            <textarea id="tool-input-schema" rows={Math.min(24, Math.max(6, state.inputSchema.split("\n").length + 1))} value={state.inputSchema} onChange={(e) => set("inputSchema", e.target.value)} aria-invalid={!!fe("inputSchema") || schemaCheck.state !== "ok" || undefined} aria-describedby="tool-input-schema-check" className={`${textarea} font-mono text-xs leading-5`} spellCheck={false} />
          </Field>
          <div id="tool-input-schema-check">
            {schemaCheck.state === "ok" ? (
              <LiveCheck ok text={`Valid JSON Schema (2020-12) · ${schemaCheck.properties.length} propert${schemaCheck.properties.length === 1 ? "y" : "ies"}, ${schemaCheck.properties.filter((p) => p.required).length} required`}>
                {schemaCheck.properties.length ? (
                  <ul className="mt-2 flex flex-wrap gap-1.5">
                    {schemaCheck.properties.map((p) => (
                      <li key={p.name} title={p.description} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
                        {p.name}
                        {p.required ? <span className="text-red-600">*</span> : null}
                        {p.type ? <span className="text-slate-400">: {p.type}</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </LiveCheck>
            ) : (
              <LiveCheck ok={false} text={schemaCheck.message} />
            )}
          </div>
          <Field label="Output schema (JSON, optional)" htmlFor="tool-output-schema" error={fe("outputSchema")} hint="The shape of the JSON object the API answers. Clients receive it as structured content; an answer that does not match is a tool error.">
            <textarea id="tool-output-schema" rows={Math.min(16, Math.max(3, state.outputSchema.split("\n").length + 1))} value={state.outputSchema} onChange={(e) => set("outputSchema", e.target.value)} aria-invalid={!!fe("outputSchema") || undefined} className={`${textarea} font-mono text-xs leading-5`} placeholder={'{\n  "type": "object",\n  "properties": {}\n}'} spellCheck={false} />
          </Field>
        </Card>

        <Card title="Outbound auth" description="How the gateway authenticates to your API. Secrets are encrypted at rest, redacted from runs, and never shown again.">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Auth type" htmlFor="tool-auth-type" error={fe("auth")} hint={authHelp}>
              <Select id="tool-auth-type" value={state.authType} onChange={(e) => set("authType", e.target.value as AuthType)} invalid={!!fe("auth")}>
                {AUTH_TYPES.map((a) => <option key={a.value} value={a.value}>{a.label}</option>)}
              </Select>
            </Field>
            {state.authType === "header" ? (
              <Field label="Header name" htmlFor="tool-auth-header" error={fe("auth.name")}>
                <Input id="tool-auth-header" value={state.authHeaderName} onChange={(e) => set("authHeaderName", e.target.value)} invalid={!!fe("auth.name")} placeholder="X-Api-Key" className="font-mono" spellCheck={false} autoComplete="off" />
              </Field>
            ) : null}
          </div>
          {needsSecret(state.authType) ? (
            <div className="mt-4 sm:max-w-md">
              <Field
                label={state.authType === "header" ? "Header value (secret)" : "Bearer token (secret)"}
                htmlFor="tool-auth-secret"
                error={fe(state.authType === "header" ? "auth.value" : "auth.token")}
                hint={keepingSecret ? "A secret is set — leave empty to keep it, or type a new one to replace it." : "At least 8 characters. Write-only: it cannot be read back."}
              >
                <Input
                  id="tool-auth-secret"
                  type="password"
                  autoComplete="new-password"
                  value={state.authSecret}
                  onChange={(e) => set("authSecret", e.target.value)}
                  invalid={!!fe(state.authType === "header" ? "auth.value" : "auth.token")}
                  placeholder={keepingSecret ? "•••••••• (unchanged)" : ""}
                />
              </Field>
            </div>
          ) : null}
          {state.authType === "hmac" || state.authType === "bearer+hmac" ? (
            <p className="mt-3 text-xs text-slate-500">
              Calls fail with a clear message while the project has no active signing secret — create one in <a href={`/projects/${slug}/settings`} className="font-medium text-indigo-600 hover:underline">Settings</a>.
            </p>
          ) : null}
        </Card>

        <Card title="Access and behaviour" description="Who may call the tool, and hints clients use to decide how careful to be.">
          <Field label="Required scopes" htmlFor="tool-scopes" error={fe("requiredScopes")} liveError={badScopes.length ? `Expected resource:read or resource:write: ${badScopes.join(", ")}` : undefined} hint="A caller needs all of them (write implies read). None: any credential of the project may call it.">
            <ScopeChips id="tool-scopes" scopes={state.requiredScopes} onChange={(s) => set("requiredScopes", s)} invalid={!!fe("requiredScopes") || badScopes.length > 0} disabled={readOnly} />
          </Field>
          <div className="mt-4">
            <Checkbox label={<span>Requires approval <span className="text-slate-500">— each call waits for a person to approve it in the dashboard</span></span>} checked={state.requiresApproval} onChange={(e) => set("requiresApproval", e.target.checked)} />
          </div>
          <fieldset className="mt-5">
            <legend className="text-sm font-medium text-slate-800">Annotations</legend>
            {fe("annotations") ? <p role="alert" className="mt-1 text-xs text-red-600">{fe("annotations")}</p> : null}
            <div className="mt-2 grid gap-3 sm:grid-cols-2">
              {ANNOTATIONS.map((a) => (
                <div key={a.key}>
                  <Checkbox label={a.label} checked={!!state.annotations[a.key]} onChange={(e) => set("annotations", { ...state.annotations, [a.key]: e.target.checked })} />
                  <p className="ml-6 text-xs text-slate-500">{a.help}</p>
                </div>
              ))}
            </div>
          </fieldset>
        </Card>

        <Card title="Limits and retries">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Timeout (ms)" htmlFor="tool-timeout" error={fe("timeoutMs")} hint="Per attempt, 100–120000.">
              <Input id="tool-timeout" type="number" inputMode="numeric" min={100} max={120000} step={100} value={state.timeoutMs} onChange={(e) => set("timeoutMs", e.target.value)} invalid={!!fe("timeoutMs")} />
            </Field>
            <Field label="Max attempts" htmlFor="tool-attempts" error={fe("maxAttempts")} hint="1–5. Retries on network errors, 429, 502, 503, 504 with backoff; writes keep their Idempotency-Key.">
              <Input id="tool-attempts" type="number" inputMode="numeric" min={1} max={5} value={state.maxAttempts} onChange={(e) => set("maxAttempts", e.target.value)} invalid={!!fe("maxAttempts")} />
            </Field>
            <Field label="Max response bytes" htmlFor="tool-max-bytes" error={fe("maxResponseBytes")} hint={`1024–10485760. Longer bodies are cut with a note (now ${formatBytes(Number(state.maxResponseBytes))}).`}>
              <Input id="tool-max-bytes" type="number" inputMode="numeric" min={1024} max={10485760} step={1024} value={state.maxResponseBytes} onChange={(e) => set("maxResponseBytes", e.target.value)} invalid={!!fe("maxResponseBytes")} />
            </Field>
            <Field label="Idempotency window (s)" htmlFor="tool-idem-window" error={fe("idempotencyWindowSec")} hint="0–86400. Identical calls of a non-read-only tool within the window are answered once. 0 disables.">
              <Input id="tool-idem-window" type="number" inputMode="numeric" min={0} max={86400} value={state.idempotencyWindowSec} onChange={(e) => set("idempotencyWindowSec", e.target.value)} invalid={!!fe("idempotencyWindowSec")} />
            </Field>
          </div>
        </Card>
      </fieldset>

      {readOnly ? null : (
        <div className={`${dirty || !tool ? "sticky bottom-0" : ""} z-10 -mx-4 flex flex-wrap items-center justify-end gap-3 border-t border-slate-200 bg-white px-4 py-3 shadow-[0_-4px_12px_-6px_rgba(15,23,42,0.15)] sm:mx-0 sm:rounded-lg sm:border sm:shadow-sm`}>
          <p role="status" className="mr-auto text-sm text-slate-600">
            {message ? <span className="text-emerald-700">✓ {message}</span> : tool ? (dirty ? "Unsaved changes" : <span className="text-slate-400">No unsaved changes</span>) : null}
          </p>
          {tool && dirty ? (
            <Button type="button" variant="ghost" onClick={() => { const fresh = { ...initialState(tool), authSecret: "" }; setState(fresh); setSaved(snapshot(fresh)); setFieldErrors({}); setError(undefined); }}>
              Discard
            </Button>
          ) : null}
          {!tool ? (
            <a href={`/projects/${slug}/tools`} className="rounded-md px-3.5 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">Cancel</a>
          ) : null}
          <Button type="submit" pending={pending} disabled={!!tool && !dirty}>
            {tool ? "Save changes" : "Create tool"}
          </Button>
        </div>
      )}
    </form>
  );
}

function Group({ label, htmlFor, hint, error, children }: { label: string; htmlFor: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className="mt-5 space-y-1.5" role="group" aria-labelledby={`${htmlFor}-label`}>
      <p id={`${htmlFor}-label`} className="text-sm font-medium text-slate-800">{label}</p>
      {hint ? <p className="text-xs text-slate-500">{hint}</p> : null}
      {children}
      {error ? <p role="alert" className="text-xs text-red-600">{error}</p> : null}
    </div>
  );
}

function LiveCheck({ ok, text, children }: { ok: boolean; text: string; children?: ReactNode }) {
  return (
    <div aria-live="polite" className={`mt-2 rounded-md px-3 py-2 text-xs ring-1 ring-inset ${ok ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-red-50 text-red-700 ring-red-200"}`}>
      <span className="font-medium">{ok ? "✓ " : "✗ "}</span>
      {text}
      {children}
    </div>
  );
}

function TemplateVariables() {
  const vars = ["{{input.<path>}}", "{{member.id}}", "{{member.email}}", "{{member.name}}", "{{project.id}}", "{{run.id}}", "{{secrets.NAME}}"];
  return (
    <details className="mt-3 text-xs text-slate-500">
      <summary className="cursor-pointer select-none font-medium text-slate-600 hover:text-slate-900">Template variables</summary>
      <ul className="mt-2 flex flex-wrap gap-1.5">
        {vars.map((v) => <li key={v}><code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">{v}</code></li>)}
      </ul>
      <p className="mt-2">An unknown variable or a missing required value stops the call with a clear error; nothing is sent. <code className="font-mono">secrets.*</code> work in headers only.</p>
    </details>
  );
}

function formatBytes(n: number) {
  if (!Number.isFinite(n)) return "—";
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 ? 1 : 0)} KiB`;
  return `${n} B`;
}

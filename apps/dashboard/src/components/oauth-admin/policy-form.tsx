"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Callout } from "@/components/settings/settings-section.tsx";
import { Button, Checkbox, Field, FormError, Input, Textarea, useActionForm } from "@/components/ui/index.ts";
import { setOAuthPolicyAction } from "@/server/actions/oauth-policy.ts";

export type PolicyValues = { mcpEnabled: boolean; redirectUris: string[]; clientIds: string[]; scopes: string[] };

/** Redirect URIs one per line (a comma may be part of a URI's query, so only whitespace separates). */
const lines = (text: string) => text.split(/\s+/).filter(Boolean);
/** Client ids and scopes: newlines, commas or spaces. */
const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);
const same = (a: string[], b: string[]) => a.join("\n") === b.join("\n");

/**
 * The project's OAuth policy (DESIGN §11): MCP enabled, allowed redirect URIs, allowed client
 * ids and the scope ceiling. Admins edit it; everyone else sees it read-only. Invalid entries
 * are reported under their list and the typed values stay in the form.
 */
export function PolicyForm({ slug, initial, toolScopes, readOnly }: { slug: string; initial: PolicyValues; toolScopes: string[]; readOnly: boolean }) {
  const router = useRouter();
  const [enabled, setEnabled] = useState(initial.mcpEnabled);
  const [redirects, setRedirects] = useState(initial.redirectUris.join("\n"));
  const [clients, setClients] = useState(initial.clientIds.join("\n"));
  const [scopes, setScopes] = useState(initial.scopes.join(" "));
  const { error, fields, pending, submit } = useActionForm();
  const [saved, setSaved] = useState<string>();

  // After a save the page re-renders with the stored (normalised) policy: show that.
  const stored = JSON.stringify(initial);
  useEffect(() => {
    const next = JSON.parse(stored) as PolicyValues;
    setEnabled(next.mcpEnabled);
    setRedirects(next.redirectUris.join("\n"));
    setClients(next.clientIds.join("\n"));
    setScopes(next.scopes.join(" "));
  }, [stored]);

  const errorOf = (name: string) => fields[name] ?? Object.entries(fields).find(([key]) => key.startsWith(`${name}.`))?.[1];
  const redirectError = errorOf("redirectUris");
  const clientError = errorOf("clientIds");
  const scopeError = errorOf("scopes");
  const dirty = enabled !== initial.mcpEnabled || !same(lines(redirects), initial.redirectUris) || !same(words(clients), initial.clientIds) || !same(words(scopes), initial.scopes);
  const ceiling = new Set(words(scopes));
  const uncovered = toolScopes.filter((s) => !ceiling.has(s) && !(s.endsWith(":read") && ceiling.has(s.replace(/:read$/, ":write"))));

  return (
    <form
      className="space-y-5 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(undefined);
        const result = await submit(() => setOAuthPolicyAction(slug, { mcpEnabled: enabled, redirectUris: lines(redirects), clientIds: words(clients), scopes: words(scopes) }));
        if (!result) return;
        setSaved(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <fieldset disabled={readOnly} className="space-y-5">
        <div className="space-y-2">
          <Checkbox id="policy-enabled" label="MCP endpoint enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          <p className="pl-6 text-xs text-slate-500">When disabled, the project&apos;s MCP URL refuses every credential and OAuth tokens fail validation at once.</p>
          {!enabled ? (
            <div className="pl-6">
              <Callout tone="warning" title="MCP is disabled for this project">
                AI clients, API keys and member sessions cannot list or call tools until you enable it again.
              </Callout>
            </div>
          ) : null}
        </div>

        <Field
          label="Allowed redirect URIs"
          htmlFor="policy-redirects"
          error={redirectError}
          hint={
            <>
              One per line, matched exactly (scheme, host, port, path and query). Claude Code with <code className="font-mono">--callback-port 3118</code> uses{" "}
              <code className="font-mono">http://localhost:3118/callback</code>. Plain http:// only for localhost, 127.0.0.1 and [::1].
            </>
          }
        >
          <Textarea
            id="policy-redirects"
            name="redirectUris"
            rows={4}
            value={redirects}
            onChange={(e) => setRedirects(e.target.value)}
            placeholder={"http://localhost:3118/callback\nhttps://app.example.com/oauth/callback"}
            spellCheck={false}
            invalid={!!redirectError}
            aria-describedby={redirectError ? "policy-redirects-error" : undefined}
          />
        </Field>
        {lines(redirects).length === 0 ? <Callout title="No redirect URIs">No AI client can sign in with OAuth until you add the redirect URI it uses. API keys keep working.</Callout> : null}

        <Field label="Allowed client IDs" htmlFor="policy-clients" error={clientError} hint="One per line: cli_… (from the client's registration) or the https URL of the client's metadata document. Leave empty to allow any client.">
          <Textarea
            id="policy-clients"
            name="clientIds"
            rows={2}
            value={clients}
            onChange={(e) => setClients(e.target.value)}
            placeholder="cli_…"
            spellCheck={false}
            invalid={!!clientError}
            aria-describedby={clientError ? "policy-clients-error" : undefined}
          />
        </Field>

        <Field
          label="Policy scopes"
          htmlFor="policy-scopes"
          error={scopeError}
          hint="The most any OAuth connection may be granted: resource:read or resource:write, separated by spaces or commas. A client asking for no scope gets all of them; users can approve fewer."
        >
          <Input
            id="policy-scopes"
            name="scopes"
            value={scopes}
            onChange={(e) => setScopes(e.target.value)}
            placeholder="contacts:read contacts:write"
            spellCheck={false}
            invalid={!!scopeError}
          />
        </Field>
        {uncovered.length > 0 ? (
          <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
            <span>
              Tools of this project require {uncovered.map((s, i) => <span key={s}>{i > 0 ? ", " : ""}<code className="font-mono">{s}</code></span>)}, which OAuth clients cannot get now.
            </span>
            {readOnly ? null : (
              <Button type="button" variant="secondary" size="sm" onClick={() => setScopes([...new Set([...words(scopes), ...uncovered])].join(" "))}>
                Add the tools&apos; scopes
              </Button>
            )}
          </div>
        ) : null}
      </fieldset>

      {readOnly ? (
        <p className="text-sm text-slate-500">You can view the policy; an admin of the organization can change it.</p>
      ) : (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          <Button type="submit" pending={pending} disabled={!dirty}>Save policy</Button>
          {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
          {!saved && dirty ? <p className="text-sm text-slate-500">You have unsaved changes.</p> : null}
        </div>
      )}
    </form>
  );
}

"use client";
import { useState } from "react";
import { Button, FormError } from "@/components/ui/index.ts";
import { CONSENT_FORM_ERRORS } from "./consent-url.ts";
import { describeScope } from "./describe-scope.ts";

/**
 * The decision form: a plain HTML POST to /oauth/consent/decide (works before hydration and
 * without JavaScript; the server repeats every check). Each requested scope is a checkbox,
 * all checked; the user may keep a subset. Approving with none checked is refused here and
 * again on the server (core decideAuthorization).
 */
export function ConsentForm({ requestId, csrf, scopes, error }: { requestId: string; csrf: string; scopes: string[]; error?: string }) {
  const [checked, setChecked] = useState<ReadonlySet<string>>(() => new Set(scopes));
  const [message, setMessage] = useState(error);
  return (
    <form
      method="post"
      action="/oauth/consent/decide"
      className="space-y-5"
      onSubmit={(event) => {
        const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        if (submitter?.value === "approve" && scopes.length > 0 && checked.size === 0) {
          event.preventDefault();
          setMessage(CONSENT_FORM_ERRORS.no_scope);
        }
      }}
    >
      <input type="hidden" name="request" value={requestId} />
      <input type="hidden" name="csrf" value={csrf} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Permissions</legend>
        {scopes.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">No permissions are requested: the application can only use tools that need none.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
            {scopes.map((scope) => (
              <li key={scope}>
                <label className="flex cursor-pointer items-start gap-3 px-3 py-2.5 hover:bg-slate-50">
                  <input
                    type="checkbox"
                    name="scope"
                    value={scope}
                    checked={checked.has(scope)}
                    onChange={(e) => {
                      const next = new Set(checked);
                      if (e.target.checked) next.add(scope);
                      else next.delete(scope);
                      setChecked(next);
                      if (next.size > 0) setMessage(undefined);
                    }}
                    className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
                  />
                  <span className="min-w-0">
                    <span className="block text-sm text-slate-900">{describeScope(scope)}</span>
                    <span className="block font-mono text-xs text-slate-500">{scope}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <FormError message={message} />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button type="submit" name="decision" value="deny" variant="secondary">
          Deny
        </Button>
        <Button type="submit" name="decision" value="approve">
          Approve
        </Button>
      </div>
    </form>
  );
}

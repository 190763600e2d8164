import { getAuthorizationRequest, getProjectForUser, isAppError } from "@tengine/core";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ConsentForm } from "@/components/oauth/consent-form.tsx";
import { ConsentProblem } from "@/components/oauth/consent-problem.tsx";
import { CONSENT_FORM_ERRORS, consentPath, isConsentFormError, loginPath } from "@/components/oauth/consent-url.ts";
import { SwitchAccountButton } from "@/components/oauth/switch-account-button.tsx";
import { Badge, Code } from "@/components/ui/index.ts";
import { getDb } from "@/server/db.ts";
import { currentUser } from "@/server/session.ts";
import { consentCsrfToken } from "../_lib/consent-csrf.ts";

export const metadata: Metadata = { title: "Authorize access", referrer: "same-origin", robots: { index: false } };
export const dynamic = "force-dynamic";

/**
 * The OAuth consent screen (DESIGN §11). The gateway validated the authorization request
 * against the project's policy and sends the browser here with its id; a signed-in member of
 * the project's organization approves all or some of the requested scopes, or denies.
 * Framing and caching are forbidden for /oauth/* in next.config.ts.
 */
export default async function ConsentPage({ searchParams }: { searchParams: Promise<{ request?: string | string[]; error?: string | string[] }> }) {
  const params = await searchParams;
  const requestId = typeof params.request === "string" && params.request !== "" ? params.request : undefined;
  if (!requestId) {
    return (
      <ConsentProblem title="No authorization request">
        <p>This page is opened by an AI client asking for access to a project. Start again from the application.</p>
      </ConsentProblem>
    );
  }
  const user = await currentUser();
  if (!user) redirect(loginPath(requestId));

  const db = getDb();
  const view = await getAuthorizationRequest(db, requestId);
  if (!view) {
    return (
      <ConsentProblem title="This authorization request is no longer valid">
        <p>It is unknown, has expired (requests last 10 minutes) or has already been approved or denied.</p>
        <p>Nothing was granted. Start the connection again from the application.</p>
      </ConsentProblem>
    );
  }

  const access = await getProjectForUser(db, user.id, view.project.slug).catch((error: unknown) => {
    if (isAppError(error) && (error.code === "not_found" || error.code === "forbidden")) return undefined;
    throw error;
  });
  if (!access || access.project.id !== view.project.id) {
    return (
      <ConsentProblem title="You cannot approve this request">
        <p>
          You are signed in as <strong className="font-medium text-slate-900">{user.email}</strong>, who is not a member of the organization that owns this
          project.
        </p>
        <p>
          <SwitchAccountButton returnTo={consentPath(requestId)} />
        </p>
      </ConsentProblem>
    );
  }

  const error = isConsentFormError(params.error) ? CONSENT_FORM_ERRORS[params.error] : undefined;
  return (
    <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Authorize access</p>
      <h1 className="mt-1 text-lg font-semibold text-slate-900">
        {view.organizationEndpoint ? (
          <>
            An application wants to manage <span className="whitespace-nowrap">{access.org.name}</span> as you
          </>
        ) : (
          <>
            An application wants to use <span className="whitespace-nowrap">{view.project.name}</span> as you
          </>
        )}
      </h1>

      <dl className="mt-5 space-y-3 text-sm">
        <div>
          <dt className="text-slate-500">Application</dt>
          <dd className="mt-0.5 flex flex-wrap items-center gap-2">
            <span className="break-all font-medium text-slate-900" data-testid="client-name">
              {view.client.name}
            </span>
            <Badge color="amber">self-declared</Badge>
          </dd>
          <dd className="mt-1 text-xs text-slate-500">
            {view.client.metadataHost ? (
              <>
                The application describes itself in a document published at <Code>{view.client.metadataHost}</Code>; its name is its own claim. Check where you will be sent below.
              </>
            ) : (
              "The application chose this name when it registered; Tengine has not verified it. Check where you will be sent below."
            )}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Sends you back to</dt>
          <dd className="mt-0.5">
            <Code>{view.redirectHost}</Code>
            {isLoopback(view.redirectHost) ? <span className="ml-2 text-xs text-slate-500">an application on your own computer</span> : null}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">{view.organizationEndpoint ? "Access" : "Project"}</dt>
          <dd className="mt-0.5 text-slate-900">
            {view.organizationEndpoint ? "The organization's projects, members and audit log, up to your role. OAuth policy of " : null}
            {view.project.name} <Code>{view.project.slug}</Code>
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Organization</dt>
          <dd className="mt-0.5 text-slate-900">{access.org.name}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Signed in as</dt>
          <dd className="mt-0.5 flex flex-wrap items-center gap-x-3 text-slate-900">
            {user.email} <SwitchAccountButton returnTo={consentPath(requestId)} />
          </dd>
        </div>
      </dl>

      <div className="mt-6">
        <ConsentForm requestId={requestId} csrf={consentCsrfToken(user.id, requestId)} scopes={view.scopes} error={error} />
      </div>

      <p className="mt-5 text-xs text-slate-500">
        Approving lets this application call the project's tools on your behalf, limited to the permissions you keep checked. You can revoke the connection at
        any time in the dashboard.
      </p>
    </div>
  );
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return name === "localhost" || name === "127.0.0.1" || name === "[::1]";
}

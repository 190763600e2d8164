import { decideAuthorization, isAppError } from "@tengine/core";
import { type ConsentFormError, consentPath, loginPath } from "@/components/oauth/consent-url.ts";
import { consentFormError } from "@/server/consent-form-error.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";
import { currentUser } from "@/server/session.ts";
import { verifyConsentCsrfToken } from "../../_lib/consent-csrf.ts";
import { CONSENT_HEADERS } from "../../_lib/consent-headers.ts";
import { isSameOriginPost } from "../../_lib/same-origin.ts";

export const dynamic = "force-dynamic";

/**
 * The consent form's target (DESIGN §11): the signed-in user's decision on one authorization
 * request. Success answers 303 to the client's redirect URI, which the gateway verified
 * against the project's policy when it stored the request. Every failure returns the browser
 * to the consent page (our own origin) with a closed error code; nothing here ever redirects
 * to a URI that was not verified.
 */
export async function POST(request: Request): Promise<Response> {
  const form = await request.formData().catch(() => undefined);
  const requestId = form?.get("request");
  if (typeof requestId !== "string" || requestId === "") return seeOther("/oauth/consent");
  const back = (error: ConsentFormError) => seeOther(consentPath(requestId, error));

  const config = dashboardConfig();
  if (!isSameOriginPost(request, config.dashboardUrl)) return back("origin");
  const user = await currentUser();
  if (!user) return seeOther(loginPath(requestId));
  const csrf = form?.get("csrf");
  if (typeof csrf !== "string" || !verifyConsentCsrfToken(user.id, requestId, csrf)) return back("csrf");

  const decision = form?.get("decision");
  if (decision !== "approve" && decision !== "deny") return back("failed");
  const scopes = (form?.getAll("scope") ?? []).filter((s): s is string => typeof s === "string");

  try {
    const { redirectTo } = await decideAuthorization(getDb(), {
      requestId,
      userId: user.id,
      decision,
      ...(decision === "approve" ? { scopes } : {}),
      issuer: config.gatewayUrl,
    });
    return seeOther(redirectTo);
  } catch (error) {
    if (!isAppError(error)) {
      console.error("oauth consent decision failed", error);
      return back("failed");
    }
    // Unknown, expired or already decided requests: the consent page says so by itself.
    if (error.code === "not_found" || error.code === "conflict") return seeOther(consentPath(requestId));
    return back(consentFormError(error));
  }
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, ...CONSENT_HEADERS } });
}

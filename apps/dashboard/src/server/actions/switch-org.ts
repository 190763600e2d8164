"use server";
import { listOrgsForUser } from "@tengine/core";
import { cookies } from "next/headers";
import { ORG_COOKIE } from "../access.ts";
import { getDb } from "../db.ts";
import { requireUser } from "../session.ts";

export async function switchOrgAction(slug: string) {
  const user = await requireUser();
  const orgs = await listOrgsForUser(getDb(), user.id);
  if (!orgs.some((o) => o.slug === slug)) return;
  (await cookies()).set(ORG_COOKIE, slug, { httpOnly: true, sameSite: "lax", path: "/" });
}

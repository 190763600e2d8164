import { z } from "zod";
import { type Db, isUniqueViolation } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { uniqueSlug } from "../projects/slugify.ts";
import { hashPassword } from "./password.ts";

export const signUpInput = z.object({
  email: z.string().trim().toLowerCase().email("enter a valid email address"),
  password: z.string().min(10, "use at least 10 characters").max(200),
  name: z.string().trim().max(100).optional(),
  organization: z.string().trim().min(1, "name your organization").max(100),
});

export type SignUpResult =
  | { created: true; user: { id: string; email: string; name: string | null }; org: { id: string; name: string; slug: string } }
  | { created: false };

/**
 * A new user with a new organization they own (sign-up). An email that already has an account
 * is not an error the caller can see: nothing is written, and the answer is `created: false`
 * after the same password hashing, so neither the response nor its timing says whether an
 * account exists (the dashboard answers both the same way).
 */
export async function signUp(db: Db, raw: z.input<typeof signUpInput>): Promise<SignUpResult> {
  const input = signUpInput.parse(raw);
  const passwordHash = await hashPassword(input.password);
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) return { created: false };
  const slug = await uniqueSlug(input.organization, async (s) => !!(await db.organization.findUnique({ where: { slug: s }, select: { id: true } })));
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { id: newId("user"), email: input.email, name: input.name || null, passwordHash }, select: { id: true, email: true, name: true } });
      const org = await tx.organization.create({ data: { id: newId("org"), name: input.organization, slug } });
      await tx.membership.create({ data: { id: newId("membership"), orgId: org.id, userId: user.id, role: "owner" } });
      await tx.auditLog.create({ data: { id: newId("audit"), orgId: org.id, actorUserId: user.id, actorEmail: user.email, action: "organization.create", targetType: "organization", targetId: org.id, details: { name: org.name } } });
      return { created: true as const, user, org: { id: org.id, name: org.name, slug: org.slug } };
    });
  } catch (error) {
    // The same email signed up at the same moment: the other request created the account.
    if (isUniqueViolation(error) && (await db.user.findUnique({ where: { email: input.email }, select: { id: true } }))) return { created: false };
    if (isUniqueViolation(error)) throw new AppError("conflict", "this organization name was just taken; try again");
    throw error;
  }
}

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

/** A new user with a new organization they own (sign-up). */
export async function signUp(db: Db, raw: z.input<typeof signUpInput>) {
  const input = signUpInput.parse(raw);
  const passwordHash = await hashPassword(input.password);
  const slug = await uniqueSlug(input.organization, async (s) => !!(await db.organization.findUnique({ where: { slug: s }, select: { id: true } })));
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { id: newId("user"), email: input.email, name: input.name || null, passwordHash }, select: { id: true, email: true, name: true } });
      const org = await tx.organization.create({ data: { id: newId("org"), name: input.organization, slug } });
      await tx.membership.create({ data: { id: newId("membership"), orgId: org.id, userId: user.id, role: "owner" } });
      await tx.auditLog.create({ data: { id: newId("audit"), orgId: org.id, actorUserId: user.id, actorEmail: user.email, action: "organization.create", targetType: "organization", targetId: org.id, details: { name: org.name } } });
      return { user, org };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "an account with this email already exists");
    throw error;
  }
}

import { Prisma } from "./generated/client.ts";

/** A unique constraint said no (Prisma P2002): the row is already there. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

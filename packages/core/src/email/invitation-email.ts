/** The email that carries an invitation link (the same words whoever sends it). */
export function invitationEmail(input: { orgName: string; link: string; role: string; invitedBy?: string; expiresAt: Date }): { subject: string; text: string } {
  return {
    subject: `You are invited to ${input.orgName} on Tengine`,
    text: `${input.invitedBy ?? "An admin"} invited you to join ${input.orgName} on Tengine as ${input.role === "admin" ? "an admin" : `a ${input.role}`}.\n\nAccept the invitation: ${input.link}\n\nThe link works once and expires at ${input.expiresAt.toISOString()}. If you did not expect it, ignore this email.\n`,
  };
}

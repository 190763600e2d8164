"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, ConfirmButton, EmptyState, Table, Td } from "@/components/ui/index.ts";
import { deleteSecretAction } from "@/server/actions/secrets.ts";
import { SecretForm } from "./secret-form.tsx";

export type SecretRow = { name: string; updatedAgo: string; usedBy: string[] };

/** The project's template secrets: set, rotate, delete; which tools use each. Values never appear. */
export function SecretsScreen({ slug, secrets, canEdit }: { slug: string; secrets: SecretRow[]; canEdit: boolean }) {
  const router = useRouter();
  const [rotating, setRotating] = useState<string>();
  return (
    <div className="space-y-6">
      {canEdit ? <SecretForm key={rotating ?? ""} slug={slug} rotating={rotating} /> : <p className="text-sm text-slate-500">Admins and owners set and delete secrets; you can see their names and where they are used.</p>}
      {secrets.length === 0 ? (
        <EmptyState title="No secrets yet">Set one above, then use it in a tool&apos;s headers as {"{{secrets.NAME}}"}.</EmptyState>
      ) : (
        <Table head={["Name", "Used by", "Last set", ""]}>
          {secrets.map((secret) => (
            <tr key={secret.name} data-secret={secret.name}>
              <Td className="font-mono text-sm">{secret.name}</Td>
              <Td>
                {secret.usedBy.length ? (
                  <span className="flex flex-wrap gap-x-2">
                    {secret.usedBy.map((tool) => (
                      <Link key={tool} href={`/projects/${slug}/tools/${encodeURIComponent(tool)}`} className="font-mono text-xs text-indigo-700 hover:underline">{tool}</Link>
                    ))}
                  </span>
                ) : (
                  <span className="text-xs text-slate-400">no tool</span>
                )}
              </Td>
              <Td className="text-sm text-slate-500">{secret.updatedAgo}</Td>
              <Td className="text-right">
                {canEdit ? (
                  <span className="inline-flex gap-2">
                    <Button type="button" size="sm" variant="secondary" aria-label={`Rotate ${secret.name}`} onClick={() => setRotating(secret.name)}>Rotate</Button>
                    <ConfirmButton
                      size="sm"
                      variant="secondary"
                      className="text-red-700!"
                      aria-label={`Delete ${secret.name}`}
                      title={`Delete ${secret.name}?`}
                      confirmLabel="Delete secret"
                      body={secret.usedBy.length ? <p>{secret.usedBy.join(", ")} still use{secret.usedBy.length === 1 ? "s" : ""} it: remove it from their headers first.</p> : <p>No tool uses it. Its value is gone for good once deleted.</p>}
                      onConfirm={async () => {
                        const result = await deleteSecretAction(slug, { name: secret.name });
                        if (!result.ok) return result.error;
                        router.refresh();
                      }}
                    >
                      Delete
                    </ConfirmButton>
                  </span>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}

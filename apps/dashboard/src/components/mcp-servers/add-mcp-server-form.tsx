"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Button, Field, FormError, Input, Select, Textarea, useActionForm } from "@/components/ui/index.ts";
import { addMcpServerAction } from "@/server/actions/mcp-servers.ts";

/** Adds a Streamable HTTP server or an entry of the operator's catalog; its tools are listed right away. */
export function AddMcpServerForm({ slug, catalog }: { slug: string; catalog: string[] }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const { error, fields, pending, submit } = useActionForm();
  const [transport, setTransport] = useState<"http" | "stdio">("http");
  const [notice, setNotice] = useState<string>();

  return (
    <form
      ref={form}
      noValidate
      className="grid gap-4 md:grid-cols-2"
      onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const value = (k: string) => String(data.get(k) ?? "");
        const result = await submit(() =>
          addMcpServerAction(slug, {
            name: value("name"),
            transport,
            url: value("url"),
            catalog: value("catalog"),
            headers: value("headers"),
            credentials: value("credentials"),
            activation: value("activation") === "requested" ? "requested" : "always",
          }),
        );
        if (!result) return;
        setNotice(result.message);
        form.current?.reset();
        router.refresh();
      }}
    >
      <div className="md:col-span-2">
        <FormError message={error} />
        {notice ? <p className="text-sm text-slate-700" role="status">{notice}</p> : null}
      </div>
      <Field label="Name" htmlFor="mcp-name" error={fields.name} hint="Its tools are named <name>_<tool>; lower-case letters, digits and -">
        <Input id="mcp-name" name="name" placeholder="github" maxLength={32} required invalid={!!fields.name} />
      </Field>
      <Field label="Transport" htmlFor="mcp-transport" error={fields.transport}>
        <Select id="mcp-transport" name="transport" value={transport} onChange={(e) => setTransport(e.target.value === "stdio" ? "stdio" : "http")}>
          <option value="http">Streamable HTTP URL</option>
          <option value="stdio" disabled={catalog.length === 0}>Catalog entry (stdio){catalog.length === 0 ? " — none configured" : ""}</option>
        </Select>
      </Field>
      {transport === "http" ? (
        <>
          <Field label="URL" htmlFor="mcp-url" error={fields.url}>
            <Input id="mcp-url" name="url" placeholder="https://mcp.example.com/mcp" autoComplete="off" spellCheck={false} invalid={!!fields.url} />
          </Field>
          <Field label="Headers (optional)" htmlFor="mcp-headers" error={fields.headers} hint="One NAME=VALUE per line; stored encrypted">
            <Textarea id="mcp-headers" name="headers" rows={2} spellCheck={false} />
          </Field>
        </>
      ) : (
        <Field label="Catalog entry" htmlFor="mcp-catalog" error={fields.catalog}>
          <Select id="mcp-catalog" name="catalog">
            {catalog.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </Select>
        </Field>
      )}
      <Field label="Credentials (optional)" htmlFor="mcp-credentials" error={fields.credentials} hint="One KEY=VALUE per line; stored encrypted, never shown again. token= becomes a Bearer header.">
        <Textarea id="mcp-credentials" name="credentials" rows={2} spellCheck={false} />
      </Field>
      <Field label="Listed for" htmlFor="mcp-activation" error={fields.activation}>
        <Select id="mcp-activation" name="activation" defaultValue="always">
          <option value="always">every credential with the scopes</option>
          <option value="requested">only API keys that ask for it (toolsets)</option>
        </Select>
      </Field>
      <div className="md:col-span-2">
        <Button type="submit" pending={pending}>Add server</Button>
      </div>
    </form>
  );
}

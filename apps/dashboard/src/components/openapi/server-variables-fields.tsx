"use client";
import { useId } from "react";
import { Field, Input, Select } from "@/components/ui/index.ts";
import type { ServerInfo } from "./preview.ts";

/**
 * One field per `{variable}` of the document's server URL: a list when the document restricts
 * the values (`enum`), else a text input; each starts at the document's default. Shown once a
 * preview (or a failed one) has told which variables the document has.
 */
export function ServerVariablesFields({
  server,
  values,
  onChange,
  fieldErrors,
  overridden,
}: {
  server: ServerInfo;
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
  fieldErrors: Record<string, string>;
  /** A base URL is given: the variables are not used. */
  overridden: boolean;
}) {
  const baseId = useId();
  if (server.variables.length === 0) return null;
  return (
    <fieldset className="space-y-3 border-t border-slate-200 pt-4" aria-describedby={`${baseId}-server`}>
      <legend className="text-sm font-medium text-slate-800">Server variables</legend>
      <p id={`${baseId}-server`} className="text-xs text-slate-500">
        The document’s server is <code className="break-all font-mono">{server.url}</code>.
        {overridden ? " The base URL above replaces it, so these values are not used." : " Each variable starts at the document’s default."}
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        {server.variables.map((variable) => {
          const id = `${baseId}-var-${variable.name}`;
          const error = fieldErrors[`serverVariables.${variable.name}`];
          const hint = [variable.description, variable.default !== undefined ? `Default: ${variable.default}` : "No default: enter a value"].filter(Boolean).join(" · ");
          const value = values[variable.name] ?? variable.default ?? "";
          return (
            <Field key={variable.name} label={`{${variable.name}}`} htmlFor={id} hint={hint} error={error}>
              {variable.enum && variable.enum.length > 0 ? (
                <Select id={id} value={value} invalid={!!error} disabled={overridden} onChange={(e) => onChange(variable.name, e.target.value)}>
                  {variable.enum.includes(value) ? null : <option value={value}>{value || "Choose…"}</option>}
                  {variable.enum.map((choice) => (
                    <option key={choice} value={choice}>
                      {choice}
                    </option>
                  ))}
                </Select>
              ) : (
                <Input id={id} value={value} invalid={!!error} disabled={overridden} autoComplete="off" spellCheck={false} placeholder={variable.default ?? ""} onChange={(e) => onChange(variable.name, e.target.value)} />
              )}
            </Field>
          );
        })}
      </div>
    </fieldset>
  );
}

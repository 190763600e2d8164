import { TemplateError } from "./template-error.ts";
import type { CompiledString, TemplatePart, VariableRef } from "./types.ts";

/** One path segment of `{{input.…}}`: a property name or an array index. */
const INPUT_SEGMENT = /^[^\s.{}]+$/;
const SECRET_NAME = /^[A-Za-z0-9_-]+$/;
const MEMBER_FIELDS = new Set(["id", "email", "name"]);

/**
 * Splits a template string into text and `{{ns.path}}` references (inner whitespace allowed).
 * Throws {@link TemplateError} for an unterminated `{{`, an unknown namespace or field, or a
 * malformed path. Whether a namespace is allowed *here* (secrets only in headers, no
 * placeholders in the URL authority) is the caller's rule.
 */
export function parseTemplateString(source: string, where: string): CompiledString {
  const parts: TemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf("{{", i);
    if (open === -1) {
      text += source.slice(i);
      break;
    }
    const close = source.indexOf("}}", open + 2);
    if (close === -1) {
      throw new TemplateError(where, `unterminated "{{" at character ${open + 1}`);
    }
    text += source.slice(i, open);
    if (text !== "") {
      parts.push({ kind: "text", text });
      text = "";
    }
    parts.push({ kind: "var", ref: parseReference(source.slice(open + 2, close), where) });
    i = close + 2;
  }
  if (text !== "") parts.push({ kind: "text", text });

  const only = parts.length === 1 ? parts[0] : undefined;
  return only?.kind === "var" ? { parts, whole: only.ref } : { parts };
}

function parseReference(inner: string, where: string): VariableRef {
  const raw = inner.trim();
  const shown = `{{${raw}}}`;
  if (raw === "") throw new TemplateError(where, `empty placeholder "{{}}"`);
  const segments = raw.split(".");
  const [ns, ...rest] = segments;
  switch (ns) {
    case "input": {
      if (rest.length === 0 || !rest.every((s) => INPUT_SEGMENT.test(s))) {
        throw new TemplateError(where, `invalid input path in ${shown}; use {{input.a.b.0.c}}`);
      }
      return { ns: "input", path: rest, raw };
    }
    case "member": {
      const field = rest.length === 1 ? rest[0] : undefined;
      if (field === undefined || !MEMBER_FIELDS.has(field)) {
        throw new TemplateError(where, `unknown member field in ${shown}; use member.id, member.email or member.name`);
      }
      return { ns: "member", field: field as "id" | "email" | "name", raw };
    }
    case "project":
    case "run": {
      if (rest.length !== 1 || rest[0] !== "id") {
        throw new TemplateError(where, `unknown ${ns} field in ${shown}; use ${ns}.id`);
      }
      return { ns, field: "id", raw };
    }
    case "secrets": {
      const name = rest.length === 1 ? rest[0] : undefined;
      if (name === undefined || !SECRET_NAME.test(name)) {
        throw new TemplateError(where, `invalid secret reference ${shown}; use {{secrets.NAME}}`);
      }
      return { ns: "secrets", name, raw };
    }
    default:
      throw new TemplateError(
        where,
        `unknown variable ${shown}; placeholders start with input., member., project., run. or secrets.`,
      );
  }
}

/** The references of a compiled string, for collecting secrets and member use. */
export function referencesOf(template: CompiledString): VariableRef[] {
  return template.parts.flatMap((p) => (p.kind === "var" ? [p.ref] : []));
}

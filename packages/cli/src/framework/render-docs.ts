import { type CommandDef, type EntryDef, isGroup } from "./define.ts";
import { EXIT_CODES } from "./exit-codes.ts";
import { argUsage, PROGRAM } from "./program.ts";

const cell = (text: string) => text.replace(/\|/g, "\\|");

function renderCommand(path: string, def: CommandDef<never>): string[] {
  const usage = [`tengine ${path}`, ...(def.args ?? []).map(argUsage), ...(def.options?.length ? ["[options]"] : [])].join(" ");
  const out = [`### \`tengine ${path}\``, "", `${def.summary[0]!.toUpperCase()}${def.summary.slice(1)}.`, ""];
  if (def.details) out.push(def.details, "");
  out.push(`Usage: \`${usage}\`${def.aliases?.length ? ` (also: ${def.aliases.map((a) => `\`tengine ${path.replace(/\S+$/, a)}\``).join(", ")})` : ""}`, "");
  const rows = [
    ...(def.args ?? []).map((a) => [`\`${argUsage(a)}\``, a.description]),
    ...(def.options ?? []).map((o) => [`\`${o.flags}\``, `${o.description}${o.required ? " (required)" : ""}${o.default !== undefined ? ` (default: ${o.default})` : ""}${o.choices && !o.description.includes(o.choices[0]!) ? ` (${o.choices.join(", ")})` : ""}`]),
  ];
  if (rows.length) out.push("| Argument or option | Meaning |", "|---|---|", ...rows.map(([a, b]) => `| ${cell(a!)} | ${cell(b!)} |`), "");
  out.push("```sh", ...def.examples, "```", "", `JSON output (\`--json\`): \`${def.json}\``, "");
  return out;
}

/**
 * docs/cli.md, generated from the command definitions (`npm run docs:cli`), so the reference
 * cannot drift from the commands: packages/cli/test/docs.test.ts fails while they differ.
 */
export function renderCliDocs(entries: EntryDef[]): string {
  const out = [
    "# Command line (`tengine`)",
    "",
    "<!-- Generated from packages/cli/src/commands/*.ts by `npm run docs:cli`: edit the command definitions, not this file. -->",
    "",
    `${PROGRAM.summary}. Every action an admin takes in the dashboard is one command here, calling the same functions with the same rules. From the repository, run it as \`npx tengine …\`; it connects to the database in \`DATABASE_URL\`, or to the one \`npm start\` runs.`,
    "",
    "## Scripting",
    "",
    "- `--json` (before or after the command) prints the result as JSON on standard output. Each command's shape is listed below; fields are added over time, never renamed or removed.",
    "- Errors are one line on standard error: `error: <message>`, or `{\"error\": \"<code>\", \"message\": \"…\"}` with `--json`.",
    "- `tengine <command> --help` shows a command's options, an example and its JSON shape.",
    "",
    "Exit codes:",
    "",
    "| Code | Name | Meaning |",
    "|---|---|---|",
    ...EXIT_CODES.map((e) => `| ${e.code} | \`${e.name}\` | ${cell(e.meaning)} |`),
    "",
    "## Acting as a person",
    "",
    "The CLI works with the database's access: by default it acts as an owner of every organization, and the audit log records the actor as `tengine CLI`. Commands with `--as <email>` act as that person instead: their role in the organization is checked exactly as when they use the dashboard (a viewer cannot change tools, only admins change settings or members), and the audit log names them. Deciding an approval always needs `--as`: a decision is a person's, and nobody decides on their own call.",
    "",
    "## Shell completion",
    "",
    "`tengine completion bash` and `tengine completion zsh` print a completion script for commands, options and option values; see `tengine completion` below.",
    "",
  ];
  for (const entry of entries) {
    if (isGroup(entry)) {
      out.push(`## \`tengine ${entry.name}\``, "", `${entry.summary[0]!.toUpperCase()}${entry.summary.slice(1)}.`, "");
      for (const def of entry.commands) out.push(...renderCommand(`${entry.name} ${def.name}`, def));
    } else {
      out.push(`## \`tengine ${entry.name}\``, "", ...renderCommand(entry.name, entry).slice(2));
    }
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

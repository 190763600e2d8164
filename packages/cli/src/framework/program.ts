import { Command, Option } from "commander";
import { openContext } from "../context.ts";
import { oneOf } from "../usage-error.ts";
import { type CommandDef, type EntryDef, isGroup, type OptionDef } from "./define.ts";
import { EXIT_CODES } from "./exit-codes.ts";

export const PROGRAM = { name: "tengine", summary: "Tengine: HTTP APIs as MCP tools, run safely" };

/** The long flag of an option (`--project <slug>` → `--project`). */
export const longFlag = (flags: string) => /--[a-z][a-z0-9-]*/.exec(flags)![0];

/** `<name>` / `[name]` of a positional argument. */
export const argUsage = (arg: { name: string; optional?: boolean }) => (arg.optional ? `[${arg.name}]` : `<${arg.name}>`);

/** The help text after the options: examples and the `--json` shape. */
export function helpAfter(def: CommandDef<never>): string {
  const lines = ["", "Examples:", ...def.examples.map((e) => `  $ ${e}`), "", `JSON output (--json): ${def.json}`];
  if (def.details) lines.splice(0, 0, "", def.details);
  return `${lines.join("\n")}\n`;
}

/**
 * Builds the commander program from the command definitions: arguments, options, help text
 * with examples and the JSON shape. Usage errors become thrown CommanderErrors (exit 2),
 * reported as one line by main.
 */
export function buildProgram(entries: EntryDef[]) {
  const program = new Command(PROGRAM.name)
    .description(PROGRAM.summary)
    .addOption(new Option("--json", "machine-readable JSON output (the shape of each command is in its help)"))
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .addHelpText("after", `\nExit codes:\n${EXIT_CODES.map((e) => `  ${e.code}  ${e.name}: ${e.meaning}`).join("\n")}\n\nEvery command: tengine <command> --help. Shell completion: tengine completion bash|zsh.\n`);
  const json = () => program.opts<{ json?: boolean }>().json === true;
  for (const entry of entries) {
    if (isGroup(entry)) {
      const group = program.command(entry.name).description(entry.summary);
      for (const def of entry.commands) addCommand(group, def, json);
    } else {
      addCommand(program, entry, json);
    }
  }
  return { program, json };
}

function addCommand(parent: Command, def: CommandDef<never>, json: () => boolean) {
  const cmd = parent.command([def.name, ...(def.args ?? []).map(argUsage)].join(" ")).description(def.summary);
  for (const alias of def.aliases ?? []) cmd.alias(alias);
  for (const opt of def.options ?? []) cmd.addOption(toOption(opt));
  cmd.addHelpText("after", helpAfter(def));
  cmd.action(async (...received: unknown[]) => {
    // commander calls actions with (...positional arguments, options, command).
    const command = received.at(-1) as Command;
    const values = received.slice(0, -2) as Array<string | undefined>;
    const args = Object.fromEntries((def.args ?? []).flatMap((a, i) => (values[i] === undefined ? [] : [[a.name, values[i]!]])));
    const input = { args, opts: command.opts() as never, json: json() };
    if (def.offline) return def.run(null, input);
    const ctx = await openContext({ migrate: def.migrate ?? false });
    try {
      await def.run(ctx, input);
    } finally {
      await ctx.close();
    }
  });
}

function toOption(def: OptionDef): Option {
  const option = new Option(def.flags, def.required ? `${def.description} (required)` : def.description);
  if (def.required) option.makeOptionMandatory();
  const parse = def.parse ?? (def.choices ? oneOf(longFlag(def.flags), def.choices) : undefined);
  if (parse) option.argParser(parse as (value: string, previous: unknown) => unknown);
  if (def.default !== undefined) option.default(def.default);
  return option;
}

import type { CliContext } from "../context.ts";

/** One option of a command, as `--help`, docs/cli.md and shell completion show it. */
export type OptionDef = {
  /** commander flags: `--project <slug>`, `--yes`, `--limit <n>` */
  flags: string;
  description: string;
  required?: boolean;
  default?: string | number | boolean;
  /** turns the text into the value; throw UsageError for a bad one */
  parse?: (value: string, previous: unknown) => unknown;
  /** the values the shell completes, and the help lists */
  choices?: readonly string[];
};

export type ArgDef = { name: string; description: string; optional?: boolean };

/** What a command's run gets: positional arguments by name, and options by camel-cased name. */
export type CommandInput<O> = { args: Record<string, string>; opts: O; json: boolean };

type CommandBase<O> = {
  name: string;
  aliases?: string[];
  /** one line: what the command does */
  summary: string;
  /** more sentences for `--help` and docs/cli.md */
  details?: string;
  args?: ArgDef[];
  options?: OptionDef[];
  /** command lines as a user types them (at least one); the docs test parses each against these definitions */
  examples: string[];
  /** the shape of the `--json` output (stable: fields are added, never renamed or removed) */
  json: string;
};

export type CommandDef<O = Record<string, unknown>> = CommandBase<O> &
  (
    | { offline?: false; migrate?: boolean; run(ctx: CliContext, input: CommandInput<O>): Promise<void> }
    /** runs without opening the database (shell completion) */
    | { offline: true; run(ctx: null, input: CommandInput<O>): Promise<void> }
  );

/** A command group (`tengine tools …`) and its commands. */
export type GroupDef = { name: string; summary: string; commands: CommandDef<never>[] };

/** A top-level entry of the registry: a group, or a command of its own (`tengine migrate`). */
export type EntryDef = GroupDef | CommandDef<never>;

export const isGroup = (entry: EntryDef): entry is GroupDef => "commands" in entry;

/** Identity helpers that keep each command's option type checked against its run. */
export function defineCommand<O>(def: CommandDef<O>): CommandDef<never> {
  return def as unknown as CommandDef<never>;
}
export function defineGroup(def: GroupDef): GroupDef {
  return def;
}

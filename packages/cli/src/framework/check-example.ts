import { shellWordsOf } from "./shell-words.ts";
import { type CommandDef, type EntryDef, isGroup } from "./define.ts";
import { longFlag } from "./program.ts";

/**
 * What is wrong with a documented command line (`tengine tools get --project x y`, possibly
 * after `VAR=… `, in a pipe or `<(…)`): its command must exist, every `--flag` must be one of
 * that command's options (or `--json`/`--help`), and it must give each positional argument
 * and required option. Returns [] for a good line.
 */
export function exampleProblems(entries: EntryDef[], line: string): string[] {
  const at = line.search(/(^|[\s(])tengine(\s|$)/);
  if (at < 0) return [`not a tengine command: ${line}`];
  const words = shellWordsOf(line.slice(at).replace(/^[\s(]*tengine/, "").split(/\s[|>]|\)$/)[0]!);
  const entry = entries.find((e) => e.name === words[0]);
  if (!entry) return [`unknown command "${words[0]}" in: ${line}`];
  let def: CommandDef<never> | undefined;
  let rest: string[];
  if (isGroup(entry)) {
    def = entry.commands.find((c) => c.name === words[1] || c.aliases?.includes(words[1]!));
    if (!def) return [`unknown command "${words[0]} ${words[1]}" in: ${line}`];
    rest = words.slice(2);
  } else {
    def = entry;
    rest = words.slice(1);
  }
  const problems: string[] = [];
  const options = new Map((def.options ?? []).map((o) => [longFlag(o.flags), o]));
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (!word.startsWith("--")) {
      positional.push(word);
      continue;
    }
    const flag = word.split("=")[0]!;
    if (flag === "--json" || flag === "--help") continue;
    const option = options.get(flag);
    if (!option) {
      problems.push(`"tengine ${words.slice(0, isGroup(entry) ? 2 : 1).join(" ")}" has no option ${flag}`);
      continue;
    }
    if (/[<[]/.test(option.flags) && !word.includes("=")) {
      const value = rest[++i];
      if (value === undefined) problems.push(`${flag} needs a value in: ${line}`);
      else if (option.choices && !option.choices.includes(value)) problems.push(`${flag} must be one of ${option.choices.join(", ")} in: ${line}`);
    }
  }
  for (const [flag, option] of options) if (option.required && !rest.some((w) => w.split("=")[0] === flag)) problems.push(`${flag} is required in: ${line}`);
  const required = (def.args ?? []).filter((a) => !a.optional).length;
  if (positional.length < required || positional.length > (def.args ?? []).length) problems.push(`expected ${required} argument(s), got ${positional.length} in: ${line}`);
  return problems;
}

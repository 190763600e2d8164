import { type CommandDef, type EntryDef, isGroup } from "./define.ts";
import { longFlag } from "./program.ts";

type Node = { name: string; words: string[]; options: Array<{ flag: string; choices?: readonly string[] }> };

/** Every command path with the words that may follow it: subcommands, then option flags. */
function nodes(entries: EntryDef[]): Node[] {
  const flagsOf = (def: CommandDef<never>) => [...(def.options ?? []).map((o) => ({ flag: longFlag(o.flags), choices: o.choices })), { flag: "--json" }, { flag: "--help" }];
  const out: Node[] = [{ name: "", words: entries.map((e) => e.name), options: [{ flag: "--json" }, { flag: "--help" }] }];
  for (const entry of entries) {
    if (isGroup(entry)) {
      out.push({ name: entry.name, words: entry.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]), options: [{ flag: "--help" }] });
      for (const def of entry.commands) for (const name of [def.name, ...(def.aliases ?? [])]) out.push({ name: `${entry.name} ${name}`, words: [], options: flagsOf(def) });
    } else {
      out.push({ name: entry.name, words: [], options: flagsOf(entry) });
    }
  }
  return out;
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * A bash completion script for `tengine`: commands, subcommands, option flags, and the values
 * of options with a fixed set of choices. Generated from the command definitions.
 */
export function bashCompletion(entries: EntryDef[]): string {
  const all = nodes(entries);
  const cases = all.map((n) => `    ${quote(n.name)}) words=${quote([...n.words, ...n.options.map((o) => o.flag)].join(" "))} ;;`);
  const choices = all.flatMap((n) => n.options.filter((o) => o.choices).map((o) => `    ${quote(`${n.name} ${o.flag}`)}) COMPREPLY=($(compgen -W ${quote(o.choices!.join(" "))} -- "$cur")); return ;;`));
  return `# bash completion for tengine (generated: tengine completion bash)
# Load it in this shell: source <(tengine completion bash)
_tengine() {
  local cur prev cmdpath="" word words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command path typed so far: the words before the cursor that are not options and extend a known command.
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) ;; *) if [ -z "$cmdpath" ]; then cmdpath="$word"; elif _tengine_has "$cmdpath $word"; then cmdpath="$cmdpath $word"; fi ;; esac
  done
  case "$cmdpath $prev" in
${choices.join("\n")}
  esac
  case "$cmdpath" in
${cases.join("\n")}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_tengine_has() {
  case "$1" in
${all.filter((n) => n.name).map((n) => `    ${quote(n.name)}) return 0 ;;`).join("\n")}
  esac
  return 1
}
complete -F _tengine tengine
`;
}

/** The same for zsh (native compsys, no bashcompinit). */
export function zshCompletion(entries: EntryDef[]): string {
  const all = nodes(entries);
  const cases = all.map((n) => `    ${quote(n.name)}) words=(${[...n.words, ...n.options.map((o) => o.flag)].map(quote).join(" ")}) ;;`);
  const choices = all.flatMap((n) => n.options.filter((o) => o.choices).map((o) => `    ${quote(`${n.name} ${o.flag}`)}) compadd -- ${o.choices!.map(quote).join(" ")}; return ;;`));
  return `#compdef tengine
# zsh completion for tengine (generated: tengine completion zsh)
# Load it in this shell: source <(tengine completion zsh)
_tengine() {
  # Not "path": zsh ties that name to PATH.
  local cmdpath="" word prev="\${words[CURRENT-1]}"
  local -a candidates
  for word in "\${(@)words[2,CURRENT-1]}"; do
    [[ "$word" == -* ]] && continue
    if [[ -z "$cmdpath" ]]; then cmdpath="$word"; elif _tengine_has "$cmdpath $word"; then cmdpath="$cmdpath $word"; fi
  done
  case "$cmdpath $prev" in
${choices.join("\n")}
  esac
  case "$cmdpath" in
${cases.map((c) => c.replace(" words=(", " candidates=(")).join("\n")}
    *) candidates=() ;;
  esac
  compadd -- "\${candidates[@]}"
}
_tengine_has() {
  case "$1" in
${all.filter((n) => n.name).map((n) => `    ${quote(n.name)}) return 0 ;;`).join("\n")}
  esac
  return 1
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _tengine "$@"; else compdef _tengine tengine; fi
`;
}

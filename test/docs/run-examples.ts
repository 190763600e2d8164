import { execFile } from "node:child_process";
import { mkdtemp, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { root } from "./code-blocks.ts";

const exec = promisify(execFile);
const cliBin = path.join(root, "packages/cli/bin/tengine.mjs");

export type Output = { stdout: string; stderr: string };

/**
 * A scratch directory like a reader's own project: `type: module`, and the repository's
 * node_modules, so `@modelcontextprotocol/sdk` and `@tengine/sdk` resolve as after an install.
 */
export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tengine-docs-"));
  await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  return dir;
}

/** Runs a TypeScript example as a file of its own with tsx, as a reader would; fails on a non-zero exit. */
export async function runTypeScript(dir: string, name: string, code: string, env: NodeJS.ProcessEnv): Promise<Output> {
  const file = path.join(dir, `${name}.ts`);
  await writeFile(file, code);
  return exec(process.execPath, ["--import", "tsx", file], { cwd: dir, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * `npx tengine` inside the repository runs the workspace's own bin; the examples run in a
 * scratch directory (next to the files they name, like `tool.json`), so the shell gets a
 * function doing exactly that. Any other npx would download from the registry: refused.
 */
const NPX = `npx() { if [ "$1" = tengine ]; then shift; node ${JSON.stringify(cliBin)} "$@"; else echo "npx $1 is not allowed in a docs example test" >&2; return 127; fi; }`;

/** Runs one shell command with bash (`pipefail`, so `echo … | npx tengine …` fails when tengine does). */
export async function runShell(dir: string, command: string, env: NodeJS.ProcessEnv): Promise<Output> {
  return exec("bash", ["-c", `set -euo pipefail\n${NPX}\n${command}`], { cwd: dir, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
}

/** The commands of a shell block: continuation lines joined, comments and blank lines dropped. */
export function shellCommands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map(stripComment)
    .map((l) => l.trim())
    .filter(Boolean);
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** A value the reader fills in: `…` (`tengine_…`, `conn_…`) or `<slug>`. */
export function hasPlaceholder(command: string): boolean {
  return /…|<[a-z][a-zA-Z-]*>/.test(command);
}

const helpCache = new Map<string, Promise<string>>();

/** `tengine <path> --help`, once per command path. */
function help(commandPath: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const key = commandPath.join(" ");
  if (!helpCache.has(key)) helpCache.set(key, exec(process.execPath, [cliBin, ...commandPath, "--help"], { env, timeout: 60_000 }).then((r) => r.stdout));
  return helpCache.get(key)!;
}

/**
 * Checks a documented `tengine …` command line that cannot run as written (it has placeholders):
 * its command exists, and every `--flag` on it is one of that command's options (or `--json`).
 * Returns what is wrong, or [].
 */
export async function checkCliUsage(line: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const at = line.search(/(^|\s|`)(npx )?tengine /);
  if (at < 0) return [`not a tengine command: ${line}`];
  const words = line.slice(at).replace(/^[\s`]*(npx )?tengine /, "").trim().split(/\s+/);
  // A command of its own (`tengine migrate`, `tengine usage --project …`) has no subcommand word.
  const commandPath = words[0] === "migrate" || words[1]?.startsWith("-") ? [words[0]!] : words.slice(0, 2);
  const problems: string[] = [];
  const text = await help(commandPath, env).catch((error: { stderr?: string }) => {
    problems.push(`"tengine ${commandPath.join(" ")}" is not a command: ${error.stderr?.trim()}`);
    return "";
  });
  if (!text) return problems;
  for (const flag of new Set(line.slice(at).match(/--[a-z][a-z-]*/g) ?? [])) {
    if (flag === "--json" || flag === "--help") continue;
    if (!new RegExp(`(^|[\\s,])${flag}([\\s,=]|$)`, "m").test(text)) problems.push(`"tengine ${commandPath.join(" ")}" has no option ${flag}`);
  }
  return problems;
}

/** Splits a shell-like argument string (quotes only; enough for documented commands). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** A minimal TOML reader for the documented client configs: `[table]` and `key = "string" | number`. */
export function parseSimpleToml(text: string): Record<string, Record<string, string | number>> {
  const result: Record<string, Record<string, string | number>> = { "": {} };
  let table = "";
  for (const raw of text.split("\n")) {
    const line = stripComment(raw).trim();
    if (!line) continue;
    const header = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (header) {
      table = header[1]!;
      result[table] ??= {};
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|(\d+))$/.exec(line);
    if (!pair) throw new Error(`cannot read TOML line: ${line}`);
    result[table]![pair[1]!] = pair[2] ?? Number(pair[3]);
  }
  return result;
}

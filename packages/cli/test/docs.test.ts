import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { bashCompletion, zshCompletion } from "../src/framework/completion.ts";
import { exampleProblems } from "../src/framework/check-example.ts";
import { type EntryDef, isGroup } from "../src/framework/define.ts";
import { helpAfter } from "../src/framework/program.ts";
import { renderCliDocs } from "../src/framework/render-docs.ts";
import { COMMANDS } from "../src/registry.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const commands = COMMANDS.flatMap((e: EntryDef) => (isGroup(e) ? e.commands.map((c) => ({ path: `${e.name} ${c.name}`, def: c })) : [{ path: e.name, def: e }]));

describe("the command definitions", () => {
  it("docs/cli.md is the text generated from them (npm run docs:cli)", async () => {
    expect(await readFile(path.join(root, "docs/cli.md"), "utf8"), "docs/cli.md differs from the command definitions: run npm run docs:cli").toBe(renderCliDocs(COMMANDS));
  });

  it("give every command an example that parses against its own definition, and a JSON shape", () => {
    const problems = commands.flatMap(({ path: p, def }) => [
      ...(def.examples.length ? [] : [`${p}: no example`]),
      ...(def.json.trim() ? [] : [`${p}: no JSON shape`]),
      ...def.examples.flatMap((line) => exampleProblems(COMMANDS, line)),
      ...def.examples.filter((line) => !line.includes(`tengine ${p}`) && !(def.aliases ?? []).some((a) => line.includes(a))).map((line) => `${p}: example of another command: ${line}`),
    ]);
    expect(problems).toEqual([]);
    // The checker itself finds what is wrong.
    expect(exampleProblems(COMMANDS, "tengine tools get --project x")).toEqual(["expected 1 argument(s), got 0 in: tengine tools get --project x"]);
    expect(exampleProblems(COMMANDS, "tengine tools get x --colour --project p")).toEqual(['"tengine tools get" has no option --colour']);
    expect(exampleProblems(COMMANDS, "tengine runs list --project p --status broken")).toEqual(["--status must be one of running, succeeded, failed, denied, deduplicated, rate_limited, pending in: tengine runs list --project p --status broken"]);
    expect(exampleProblems(COMMANDS, "tengine toolz list")).toEqual(['unknown command "toolz" in: tengine toolz list']);
  });

  it("cite no document outside the repository in any help text", () => {
    const texts = [...COMMANDS.map((e) => e.summary), ...commands.flatMap(({ def }) => [def.summary, helpAfter(def), ...(def.options ?? []).map((o) => o.description), ...(def.args ?? []).map((a) => a.description)])];
    const all = texts.join("\n");
    expect(all).not.toMatch(/DESIGN|§|ENVIRONMENT|STYLE\.md|issue \d/i);
    for (const [doc] of all.matchAll(/docs\/[\w.-]+\.md/g)) expect(existsSync(path.join(root, doc)), doc).toBe(true);
  });
});

describe("shell completion", () => {
  /** What bash completes after typing `words` (the last one is being completed). */
  async function complete(script: string, words: string[]) {
    const file = path.join(os.tmpdir(), `tengine-completion-${process.pid}.bash`);
    await writeFile(file, script);
    const array = words.map((w) => `'${w}'`).join(" ");
    const { stdout } = await run("bash", ["-c", `source "${file}"; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _tengine; printf '%s\\n' "\${COMPREPLY[@]}"`]);
    return stdout.split("\n").filter(Boolean);
  }

  it("completes commands, subcommands, options and option values in bash", async () => {
    const script = bashCompletion(COMMANDS);
    expect(await complete(script, ["tengine", "appr"])).toEqual(["approvals"]);
    expect(await complete(script, ["tengine", "approvals", ""])).toEqual(["list", "get", "approve", "deny", "webhook", "--help"]);
    expect(await complete(script, ["tengine", "tools", "update", "--project", "acme-crm", "--re"])).toEqual(["--rename", "--requires-approval"]);
    expect(await complete(script, ["tengine", "runs", "list", "--format", ""])).toEqual(["table", "json", "csv"]);
    expect(await complete(script, ["tengine", "usage", "--since", "7"])).toEqual(["7d"]);
  });

  it("gives zsh the same commands and options", () => {
    const script = zshCompletion(COMMANDS);
    expect(script.startsWith("#compdef tengine\n")).toBe(true);
    for (const { path: p, def } of commands) {
      expect(script).toContain(`'${p}') candidates=(`);
      for (const option of def.options ?? []) expect(script).toContain(`'${/--[a-z][a-z0-9-]*/.exec(option.flags)![0]}'`);
    }
  });
});

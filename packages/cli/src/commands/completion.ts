import { defineCommand } from "../framework/define.ts";
import { bashCompletion, zshCompletion } from "../framework/completion.ts";
import { UsageError } from "../usage-error.ts";

export const completionCommand = defineCommand({
  name: "completion",
  summary: "print the shell completion script for bash or zsh",
  details: "Completes commands, subcommands, options and the values of options with a fixed set of choices. Add the source line to ~/.bashrc or ~/.zshrc to keep it.",
  args: [{ name: "shell", description: "bash or zsh" }],
  examples: ["source <(tengine completion bash)", "tengine completion zsh > \"${fpath[1]}/_tengine\""],
  json: "not JSON: the script itself",
  offline: true,
  async run(_ctx, { args }) {
    // Imported here: the registry imports this command.
    const { COMMANDS } = await import("../registry.ts");
    if (args.shell === "bash") process.stdout.write(bashCompletion(COMMANDS));
    else if (args.shell === "zsh") process.stdout.write(zshCompletion(COMMANDS));
    else throw new UsageError(`the shell must be bash or zsh (got "${args.shell}")`);
  },
});

import { exitWhenFlushed } from "./exit.ts";
import { buildProgram } from "./framework/program.ts";
import { COMMANDS } from "./registry.ts";
import { reportError } from "./report-error.ts";

const { program, json } = buildProgram(COMMANDS);

try {
  await program.parseAsync(process.argv);
  exitWhenFlushed(0);
} catch (error) {
  // A usage error can stop parsing before a later --json was read; the command line still asked for JSON.
  exitWhenFlushed(reportError(error, json() || process.argv.slice(2).includes("--json")));
}

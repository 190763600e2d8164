/**
 * Ends the process with `code` once stdout and stderr have drained. Writes to a pipe are
 * asynchronous: `process.exit()` straight after a large write cuts the output (a `--json`
 * list piped into a slow `jq` lost everything after 64–128 KiB). A write's callback runs only
 * after every earlier write on that stream has been handed to the OS, so exiting there loses
 * nothing. The explicit exit is still needed: idle database sockets would keep the process
 * alive for their timeout.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

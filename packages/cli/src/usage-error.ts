/**
 * A command given wrong options or arguments. The CLI prints its message as one sentence and
 * exits with 2 (the shell convention for usage errors), apart from failures of the command
 * itself, which exit with 1.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An option parser for a whole number in [min, max]: `--limit abc` fails with one sentence. */
export function wholeNumber(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`${flag} must be a whole number between ${min} and ${max} (got "${value}")`);
    }
    return n;
  };
}

/** An option parser for one of a fixed set of values. */
export function oneOf<T extends string>(flag: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${values.join(", ")} (got "${value}")`);
    return value as T;
  };
}

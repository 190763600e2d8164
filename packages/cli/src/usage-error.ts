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

/** An option parser for a date and time: the ISO 8601 text, checked, passed on as given. */
export function isoDateTime(flag: string) {
  return (value: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value))) {
      throw new UsageError(`${flag} must be a date and time in ISO 8601, e.g. 2027-01-01T00:00:00Z (got "${value}")`);
    }
    return value;
  };
}

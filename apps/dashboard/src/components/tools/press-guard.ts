/**
 * A quick double press is one intent. Two ⌘/Ctrl+Enter (or a double click on Run) a human makes
 * "at once" are 100–300 ms apart, and a read through the gateway can finish in less: guarding only
 * while a call is in flight would turn the double press into two calls whenever the first one was
 * fast. So a press is also ignored within DOUBLE_PRESS_MS of the press that started a call. A
 * deliberate re-run, after reading the result, is far slower than that.
 */
export const DOUBLE_PRESS_MS = 500;

export function createPressGuard(now: () => number = () => performance.now()) {
  let inFlight = false;
  let startedAt = Number.NEGATIVE_INFINITY;
  return {
    /** True when this press may start a call; it is then in flight until `done()`. */
    tryStart(): boolean {
      const t = now();
      if (inFlight || t - startedAt < DOUBLE_PRESS_MS) return false;
      inFlight = true;
      startedAt = t;
      return true;
    },
    done(): void {
      inFlight = false;
    },
  };
}

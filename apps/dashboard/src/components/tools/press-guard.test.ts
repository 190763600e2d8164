import { describe, expect, it } from "vitest";
import { DOUBLE_PRESS_MS, createPressGuard } from "./press-guard.ts";

describe("the Try it press guard", () => {
  it("ignores a second press while the first call is in flight", () => {
    let t = 0;
    const guard = createPressGuard(() => t);
    expect(guard.tryStart()).toBe(true);
    t = DOUBLE_PRESS_MS * 10;
    expect(guard.tryStart()).toBe(false);
    guard.done();
    expect(guard.tryStart()).toBe(true);
  });

  it("treats a second press soon after the first as the same press, even when the call already finished", () => {
    let t = 1_000;
    const guard = createPressGuard(() => t);
    expect(guard.tryStart()).toBe(true);
    guard.done(); // a fast read: answered before the second press
    t += 150;
    expect(guard.tryStart()).toBe(false);
    t = 1_000 + DOUBLE_PRESS_MS;
    expect(guard.tryStart()).toBe(true);
  });
});

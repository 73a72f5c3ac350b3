import { describe, expect, it } from "vitest";
import { BoundedMemo } from "../../src/session/bounded-memo.js";

describe("BoundedMemo", () => {
  it("keeps at most its limit, dropping the oldest insert first", () => {
    const memo = new BoundedMemo<number>(3);
    for (let i = 1; i <= 5; i++) memo.set(`k${i}`, i);
    expect(memo.size).toBe(3);
    expect([memo.get("k1"), memo.get("k2"), memo.get("k3"), memo.get("k4"), memo.get("k5")]).toEqual([
      undefined,
      undefined,
      3,
      4,
      5,
    ]);
  });

  it("replacing a kept key drops nothing else", () => {
    const memo = new BoundedMemo<string>(2);
    memo.set("a", "1");
    memo.set("b", "2");
    memo.set("a", "3");
    expect(memo.size).toBe(2);
    expect([memo.get("a"), memo.get("b")]).toEqual(["3", "2"]);
  });

  it("refuses a limit that is not a positive integer", () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => new BoundedMemo(limit)).toThrow(TypeError);
  });
});

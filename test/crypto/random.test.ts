import { describe, expect, it } from "vitest";
import { generateId, randomToken } from "../../src/crypto/random.js";

describe("randomToken", () => {
  it("returns base64url of the requested number of bytes", () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(Buffer.from(randomToken(16), "base64url")).toHaveLength(16);
  });

  it("is different every time", () => {
    expect(randomToken()).not.toBe(randomToken());
  });

  it("rejects a non-positive byte count", () => {
    expect(() => randomToken(0)).toThrow(TypeError);
    expect(() => randomToken(1.5)).toThrow(TypeError);
  });
});

describe("generateId", () => {
  it("returns 32 alphanumeric characters", () => {
    for (let i = 0; i < 100; i++) expect(generateId()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("uses the whole alphabet roughly uniformly", () => {
    const counts = new Map<string, number>();
    const samples = 2000;
    for (let i = 0; i < samples; i++) {
      for (const char of generateId()) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const expected = (samples * 32) / 62; // ~1032 per character
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.8);
      expect(count).toBeLessThan(expected * 1.2);
    }
  });
});

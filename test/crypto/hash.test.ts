import { describe, expect, it } from "vitest";
import { hmacSha256, hmacSha256Base64url, sha256Hex, timingSafeEqualString } from "../../src/crypto/hash.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("sha256Hex", () => {
  it('matches the FIPS 180-2 "abc" vector', () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("hashes the empty string", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("hmacSha256 (RFC 4231)", () => {
  it("test case 1", () => {
    const key = new Uint8Array(20).fill(0x0b);
    expect(hex(hmacSha256(key, "Hi There"))).toBe(
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    );
  });

  it("test case 2 (string key)", () => {
    expect(hex(hmacSha256("Jefe", "what do ya want for nothing?"))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("test case 4", () => {
    const key = Uint8Array.from({ length: 25 }, (_, i) => i + 1);
    const data = new Uint8Array(50).fill(0xcd);
    expect(hex(hmacSha256(key, data))).toBe(
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    );
  });

  it("base64url variant encodes the same MAC", () => {
    const mac = hmacSha256Base64url("Jefe", "what do ya want for nothing?");
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(mac, "base64url").toString("hex")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });
});

describe("timingSafeEqualString", () => {
  it("compares equal and unequal strings", () => {
    expect(timingSafeEqualString("abc", "abc")).toBe(true);
    expect(timingSafeEqualString("abc", "abd")).toBe(false);
    expect(timingSafeEqualString("", "")).toBe(true);
    expect(timingSafeEqualString("é", "é")).toBe(true);
  });

  it("returns false for different lengths without throwing", () => {
    expect(timingSafeEqualString("abc", "abcd")).toBe(false);
    expect(timingSafeEqualString("", "a")).toBe(false);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { decryptJSON, deriveKey, encryptJSON, Keyring } from "../../src/crypto/signing.js";

const OLD = "old-secret-old-secret-old-secret-0001";
const NEW = "new-secret-new-secret-new-secret-0002";

function flipChar(value: string, index: number): string {
  const char = value[index]!;
  const replacement = char === "A" ? "B" : "A";
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

describe("deriveKey", () => {
  it("is deterministic and separates purposes and secrets", () => {
    const a = deriveKey(OLD, "cookie");
    expect(a).toHaveLength(32);
    expect(deriveKey(OLD, "cookie")).toEqual(a);
    expect(deriveKey(OLD, "session-cache")).not.toEqual(a);
    expect(deriveKey(NEW, "cookie")).not.toEqual(a);
    expect(deriveKey(OLD, "cookie", 64)).toHaveLength(64);
  });

  it("is HKDF-SHA256 with an empty salt and info gatehouse:<purpose>", async () => {
    const { hkdfSync } = await import("node:crypto");
    const expected = new Uint8Array(hkdfSync("sha256", OLD, Buffer.alloc(0), "gatehouse:cookie", 32));
    expect(deriveKey(OLD, "cookie")).toEqual(expected);
  });

  it("throws TypeError on misuse", () => {
    expect(() => deriveKey("", "cookie")).toThrow(TypeError);
    expect(() => deriveKey(OLD, "")).toThrow(TypeError);
  });
});

describe("Keyring", () => {
  it("signs as value.signature and unsigns", () => {
    const ring = new Keyring([OLD], "cookie");
    const signed = ring.sign("session-token.with.dots");
    expect(signed).toMatch(/^session-token\.with\.dots\.[A-Za-z0-9_-]{43}$/);
    expect(ring.unsign(signed)).toBe("session-token.with.dots");
  });

  it("returns null on tampering, never throws", () => {
    const ring = new Keyring([OLD], "cookie");
    const signed = ring.sign("abc");
    expect(ring.unsign(flipChar(signed, 0))).toBeNull(); // value changed
    expect(ring.unsign(flipChar(signed, signed.length - 5))).toBeNull(); // signature changed
    expect(ring.unsign(signed.slice(0, -1))).toBeNull();
    expect(ring.unsign("abc")).toBeNull();
    expect(ring.unsign("")).toBeNull();
    expect(ring.unsign(".")).toBeNull();
    expect(ring.unsign(undefined as unknown as string)).toBeNull();
  });

  it("does not accept a signature made for another purpose", () => {
    const signed = new Keyring([OLD], "cookie").sign("abc");
    expect(new Keyring([OLD], "csrf").unsign(signed)).toBeNull();
  });

  it("keeps old values valid after a new secret is prepended", () => {
    const signedWithOld = new Keyring([OLD], "cookie").sign("abc");
    const rotated = new Keyring([NEW, OLD], "cookie");
    expect(rotated.unsign(signedWithOld)).toBe("abc");
    const signedWithNew = rotated.sign("abc");
    expect(signedWithNew).not.toBe(signedWithOld);
    expect(new Keyring([NEW], "cookie").unsign(signedWithNew)).toBe("abc");
    // Once the old secret is dropped, its values stop verifying.
    expect(new Keyring([NEW], "cookie").unsign(signedWithOld)).toBeNull();
  });

  it("throws TypeError at construction on misuse", () => {
    expect(() => new Keyring([], "cookie")).toThrow(TypeError);
    expect(() => new Keyring([""], "cookie")).toThrow(TypeError);
    expect(() => new Keyring([OLD], "")).toThrow(TypeError);
  });
});

describe("encryptJSON / decryptJSON", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const payload = { session: { id: "s1", userId: "u1" }, user: { email: "a@example.com" } };

  it("round-trips as a compact dir/A256GCM JWE", async () => {
    const token = await encryptJSON(payload, { secrets: [OLD], purpose: "session-cache", maxAge: 300 });
    expect(token.split(".")).toHaveLength(5);
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString("utf8"));
    expect(header).toEqual({ alg: "dir", enc: "A256GCM" });
    expect(await decryptJSON(token, { secrets: [OLD], purpose: "session-cache" })).toEqual(payload);
  });

  it("tries every secret (rotation)", async () => {
    const token = await encryptJSON(payload, { secrets: [OLD], purpose: "session-cache", maxAge: 300 });
    expect(await decryptJSON(token, { secrets: [NEW, OLD], purpose: "session-cache" })).toEqual(payload);
  });

  it("returns null with a wrong secret or purpose", async () => {
    const token = await encryptJSON(payload, { secrets: [OLD], purpose: "session-cache", maxAge: 300 });
    expect(await decryptJSON(token, { secrets: [NEW], purpose: "session-cache" })).toBeNull();
    expect(await decryptJSON(token, { secrets: [OLD], purpose: "other" })).toBeNull();
  });

  it("returns null for garbage and tampered tokens", async () => {
    const token = await encryptJSON(payload, { secrets: [OLD], purpose: "session-cache", maxAge: 300 });
    const parts = token.split(".");
    parts[3] = flipChar(parts[3]!, 2);
    expect(await decryptJSON(parts.join("."), { secrets: [OLD], purpose: "session-cache" })).toBeNull();
    expect(await decryptJSON("not.a.jwe", { secrets: [OLD], purpose: "session-cache" })).toBeNull();
    expect(await decryptJSON("", { secrets: [OLD], purpose: "session-cache" })).toBeNull();
  });

  it("returns null once expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
    const token = await encryptJSON(payload, { secrets: [OLD], purpose: "session-cache", maxAge: 60 });
    vi.setSystemTime(new Date("2030-01-01T00:00:59Z"));
    expect(await decryptJSON(token, { secrets: [OLD], purpose: "session-cache" })).toEqual(payload);
    vi.setSystemTime(new Date("2030-01-01T00:01:00Z"));
    expect(await decryptJSON(token, { secrets: [OLD], purpose: "session-cache" })).toBeNull();
  });

  it("throws TypeError on misuse", async () => {
    await expect(encryptJSON(payload, { secrets: [], purpose: "x", maxAge: 60 })).rejects.toThrow(TypeError);
    await expect(encryptJSON(payload, { secrets: [OLD], purpose: "x", maxAge: 0 })).rejects.toThrow(
      TypeError,
    );
  });
});

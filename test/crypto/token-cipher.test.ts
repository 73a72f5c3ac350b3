import { compactDecrypt } from "jose";
import { describe, expect, it } from "vitest";
import { deriveKey } from "../../src/crypto/signing.js";
import { openToken, sealToken } from "../../src/crypto/token-cipher.js";

const OLD = "old-secret-old-secret-old-secret-0001";
const NEW = "new-secret-new-secret-new-secret-0002";
const PURPOSE = "account-tokens";
const TOKEN = "ya29.a0-provider-access-token_with.dots";

describe("sealToken / openToken", () => {
  it("round-trips, as a gh1.-prefixed compact JWE (dir, A256GCM) that does not contain the token", async () => {
    const sealed = await sealToken(TOKEN, [NEW], PURPOSE);
    expect(sealed.startsWith("gh1.")).toBe(true);
    expect(sealed.includes(TOKEN)).toBe(false);
    const jwe = sealed.slice(4);
    expect(jwe.split(".")).toHaveLength(5);
    expect(JSON.parse(Buffer.from(jwe.split(".")[0]!, "base64url").toString())).toEqual({
      alg: "dir",
      enc: "A256GCM",
    });
    // Under the key derived from the first secret for the purpose.
    const { plaintext } = await compactDecrypt(jwe, deriveKey(NEW, PURPOSE));
    expect(new TextDecoder().decode(plaintext)).toBe(TOKEN);
    expect(await openToken(sealed, [NEW], PURPOSE)).toBe(TOKEN);
  });

  it("seals the same token differently each time (a fresh IV)", async () => {
    const a = await sealToken(TOKEN, [NEW], PURPOSE);
    const b = await sealToken(TOKEN, [NEW], PURPOSE);
    expect(a).not.toBe(b);
    expect(await openToken(b, [NEW], PURPOSE)).toBe(TOKEN);
  });

  it("opens a value sealed with an old secret after rotation to [new, old], and seals with the new one", async () => {
    const sealedBefore = await sealToken(TOKEN, [OLD], PURPOSE);
    expect(await openToken(sealedBefore, [NEW, OLD], PURPOSE)).toBe(TOKEN);
    const sealedAfter = await sealToken(TOKEN, [NEW, OLD], PURPOSE);
    expect(await openToken(sealedAfter, [NEW], PURPOSE)).toBe(TOKEN);
    expect(await openToken(sealedAfter, [OLD], PURPOSE)).toBeNull();
  });

  it("returns null for the wrong secret, another purpose or a tampered value; never throws", async () => {
    const sealed = await sealToken(TOKEN, [OLD], PURPOSE);
    expect(await openToken(sealed, [NEW], PURPOSE)).toBeNull();
    expect(await openToken(sealed, [OLD], "other-purpose")).toBeNull();
    // Flip the first character of the ciphertext and of the tag (a segment's last character may
    // carry only padding bits, so changing it need not change a byte).
    for (const segment of [3, 4]) {
      const parts = sealed.split(".");
      parts[segment] = (parts[segment]![0] === "A" ? "B" : "A") + parts[segment]!.slice(1);
      expect(await openToken(parts.join("."), [OLD], PURPOSE)).toBeNull();
    }
    expect(await openToken("gh1.not-a-jwe", [OLD], PURPOSE)).toBeNull();
    expect(await openToken("gh1.", [OLD], PURPOSE)).toBeNull();
  });

  it("passes a legacy plaintext value (no gh1. prefix) through, and maps empty values to null", async () => {
    expect(await openToken("gho_plaintextFromBetterAuth", [NEW], PURPOSE)).toBe(
      "gho_plaintextFromBetterAuth",
    );
    expect(await openToken("", [NEW], PURPOSE)).toBeNull();
    expect(await openToken(null, [NEW], PURPOSE)).toBeNull();
    expect(await openToken(undefined, [NEW], PURPOSE)).toBeNull();
  });

  it("throws TypeError without a secret (misuse)", async () => {
    await expect(sealToken(TOKEN, [], PURPOSE)).rejects.toThrow(TypeError);
  });
});

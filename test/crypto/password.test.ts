import bcrypt from "bcryptjs";
import { hashPassword as betterAuthHash } from "better-auth/crypto";
import { describe, expect, it } from "vitest";
import {
  dummyVerify,
  getDummyHash,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  needsRehash,
  verifyPassword,
} from "../../src/crypto/password.js";

describe("hashPassword / verifyPassword (argon2id)", () => {
  it("produces a PHC string with m=19456, t=2, p=1", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hashPassword("correct horse battery staple")).not.toBe(hash); // random salt
  });

  it("round-trips and rejects a wrong password", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery stapl")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it("normalises with NFKC (composed and decomposed accents match)", async () => {
    const hash = await hashPassword("caf\u00e9-pass");
    expect(await verifyPassword(hash, "cafe\u0301-pass")).toBe(true);
  });

  it("refuses to hash passwords over 4096 characters", async () => {
    await expect(hashPassword("a".repeat(MAX_PASSWORD_LENGTH + 1))).rejects.toThrow(TypeError);
    await expect(hashPassword("a".repeat(MAX_PASSWORD_LENGTH))).resolves.toMatch(/^\$argon2id\$/);
  });

  it("verifies argon2i and argon2d PHC strings", async () => {
    const { hash } = await import("@node-rs/argon2");
    // `Algorithm` is an ambient const enum, unusable under verbatimModuleSyntax: Argon2d = 0, Argon2i = 1.
    for (const algorithm of [0, 1]) {
      const phc = await hash("pw-123456", { algorithm, memoryCost: 4096, timeCost: 1 });
      expect(phc).toMatch(/^\$argon2(i|d)\$/);
      expect(await verifyPassword(phc, "pw-123456")).toBe(true);
      expect(await verifyPassword(phc, "pw-654321")).toBe(false);
    }
  });
});

describe("verifyPassword (imported formats)", () => {
  it("verifies bcrypt $2a$, $2b$ and $2y$ hashes made with bcryptjs", async () => {
    const hash2b = await bcrypt.hash("hunter2-hunter2", 4);
    expect(hash2b.startsWith("$2b$")).toBe(true);
    for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
      const hash = prefix + hash2b.slice(4);
      expect(await verifyPassword(hash, "hunter2-hunter2")).toBe(true);
      expect(await verifyPassword(hash, "hunter3-hunter3")).toBe(false);
    }
  });

  it("verifies a hash made by Better Auth's own hashPassword (scrypt)", async () => {
    const hash = await betterAuthHash("better-auth-password \u00e9");
    expect(hash).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
    expect(await verifyPassword(hash, "better-auth-password \u00e9")).toBe(true);
    expect(await verifyPassword(hash, "better-auth-password e\u0301")).toBe(true); // NFKC, as Better Auth
    expect(await verifyPassword(hash, "better-auth-password")).toBe(false);
  });

  it("verifies a fixed Better Auth scrypt vector (hex salt string used as the salt bytes)", async () => {
    const { scryptSync } = await import("node:crypto");
    const salt = "00112233445566778899aabbccddeeff";
    const key = scryptSync("password", salt, 64, { N: 16384, r: 16, p: 1, maxmem: 64 * 1024 * 1024 });
    expect(await verifyPassword(`${salt}:${key.toString("hex")}`, "password")).toBe(true);
    // The decoded salt bytes would be a different scheme and must not verify.
    const wrong = scryptSync("password", Buffer.from(salt, "hex"), 64, {
      N: 16384,
      r: 16,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    expect(await verifyPassword(`${salt}:${wrong.toString("hex")}`, "password")).toBe(false);
  });

  it("returns false for garbage without throwing", async () => {
    const garbage = [
      "",
      "plaintext",
      "$argon2id$",
      "$argon2id$v=19$m=19456,t=2,p=1$bad$bad",
      "$2b$10$short",
      "abc:def",
      "zz112233445566778899aabbccddeeff:" + "0".repeat(128),
      "$pbkdf2-sha256$29000$abc$def",
    ];
    for (const hash of garbage) expect(await verifyPassword(hash, "password")).toBe(false);
    expect(await verifyPassword(null as unknown as string, "password")).toBe(false);
  });
});

describe("needsRehash", () => {
  it("is false only for argon2id with our exact parameters", async () => {
    expect(needsRehash(await hashPassword("pw"))).toBe(false);
    const salt = "c2FsdHNhbHRzYWx0c2FsdA";
    const digest = "a".repeat(43);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=2,p=1$${salt}$${digest}`)).toBe(false);
    expect(needsRehash(`$argon2id$v=19$m=65536,t=3,p=4$${salt}$${digest}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=1,p=1$${salt}$${digest}`)).toBe(true);
    expect(needsRehash(`$argon2i$v=19$m=19456,t=2,p=1$${salt}$${digest}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=16$m=19456,t=2,p=1$${salt}$${digest}`)).toBe(true);
    expect(needsRehash(await bcrypt.hash("pw", 4))).toBe(true);
    expect(needsRehash(`${"a".repeat(32)}:${"b".repeat(128)}`)).toBe(true);
    expect(needsRehash("garbage")).toBe(true);
  });
});

describe("dummyVerify", () => {
  it("verifies against an argon2id hash with the production parameters (same cost as a real verify)", async () => {
    const dummy = await getDummyHash();
    expect(dummy).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(dummy)).toBe(false);
    expect(await getDummyHash()).toBe(dummy); // computed once
    await expect(dummyVerify("anything")).resolves.toBeUndefined();
    await expect(dummyVerify(undefined as unknown as string)).resolves.toBeUndefined();
  });
});

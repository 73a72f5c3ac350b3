import { decode as authjsDecode, encode as authjsEncode } from "@auth/core/jwt";
import {
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EncryptJWT,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AUTHJS_COOKIE_NAMES,
  AUTHJS_SESSION_MAX_AGE,
  decodeSessionJWT,
  encodeSessionJWT,
} from "../../src/session/authjs-jwt.js";

const SECRET = "a-test-secret-that-is-long-enough-for-gatehouse";
const OLD_SECRET = "the-previous-secret-still-in-the-rotation-list";
const PLAIN = AUTHJS_COOKIE_NAMES.plain.sessionToken;
const SECURE = AUTHJS_COOKIE_NAMES.secure.sessionToken;
const CLAIMS = {
  sub: "user_123",
  name: "Ada Lovelace",
  email: "ada@example.com",
  picture: "https://example.com/ada.png",
  role: "admin",
  orgs: ["a", "b"],
};

/** Auth.js's key for a secret and salt, derived with WebCrypto (not the code under test). */
async function authjsKey(secret: string, salt: string, bytes: 32 | 64): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: encoder.encode(salt),
      info: encoder.encode(`Auth.js Generated Encryption Key (${salt})`),
    },
    ikm,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

/** Flips one bit in the middle byte of segment `i` (an empty segment gets a byte instead). */
function tamper(jwe: string, i: number): string {
  const parts = jwe.split(".");
  const bytes = base64url.decode(parts[i]!);
  if (bytes.length === 0) {
    parts[i] = base64url.encode(new Uint8Array([0]));
  } else {
    bytes[bytes.length >> 1]! ^= 0x01;
    parts[i] = base64url.encode(bytes);
  }
  return parts.join(".");
}

afterEach(() => {
  vi.useRealTimers();
});

describe.each([
  ["plain", PLAIN],
  ["__Secure-", SECURE],
])("interop with @auth/core/jwt (%s salt)", (_label, salt) => {
  it("reads a token minted by Auth.js, with every claim equal", async () => {
    const token = await authjsEncode({ token: CLAIMS, secret: SECRET, salt });
    const theirs = await authjsDecode({ token, secret: SECRET, salt });
    const ours = await decodeSessionJWT({ token, secret: SECRET, salt });
    expect(ours).toEqual(theirs);
    expect(ours).toMatchObject(CLAIMS);
  });

  it("mints a token Auth.js reads, with every claim equal", async () => {
    const token = await encodeSessionJWT({ token: CLAIMS, secret: SECRET, salt });
    const theirs = await authjsDecode({ token, secret: SECRET, salt });
    expect(theirs).toMatchObject(CLAIMS);
    expect(theirs).toEqual(await decodeSessionJWT({ token, secret: SECRET, salt }));
  });

  it("writes the same header as Auth.js (dir, A256CBC-HS512, the same key thumbprint as kid)", async () => {
    const ours = decodeProtectedHeader(await encodeSessionJWT({ token: CLAIMS, secret: SECRET, salt }));
    const theirs = decodeProtectedHeader(await authjsEncode({ token: CLAIMS, secret: SECRET, salt }));
    expect(ours).toEqual({ alg: "dir", enc: "A256CBC-HS512", kid: theirs.kid });
    const key = await authjsKey(SECRET, salt, 64);
    expect(ours.kid).toBe(await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, "sha512"));
  });

  it("sets iat, exp = iat + 30 days by default, and a random UUID jti", async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await decodeSessionJWT({
      token: await encodeSessionJWT({
        token: { ...CLAIMS, iat: 1, exp: 2, jti: "mine" },
        secret: SECRET,
        salt,
      }),
      secret: SECRET,
      salt,
    });
    const second = await decodeSessionJWT({
      token: await encodeSessionJWT({ token: CLAIMS, secret: SECRET, salt }),
      secret: SECRET,
      salt,
    });
    expect(AUTHJS_SESSION_MAX_AGE).toBe(2_592_000);
    expect(first!.iat).toBeGreaterThanOrEqual(before);
    expect(first!.exp! - first!.iat!).toBe(AUTHJS_SESSION_MAX_AGE);
    expect(first!.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second!.jti).not.toBe(first!.jti);
  });

  it("honours maxAge, and Auth.js accepts the result", async () => {
    const token = await encodeSessionJWT({ token: CLAIMS, secret: SECRET, salt, maxAge: 60 });
    const theirs = await authjsDecode({ token, secret: SECRET, salt });
    expect(theirs!.exp! - theirs!.iat!).toBe(60);
  });

  it("gives null for a token made with another secret", async () => {
    const token = await authjsEncode({ token: CLAIMS, secret: OLD_SECRET, salt });
    expect(await decodeSessionJWT({ token, secret: OLD_SECRET, salt })).not.toBeNull();
    expect(await decodeSessionJWT({ token, secret: SECRET, salt })).toBeNull();
  });

  it("gives null for a token made for the other cookie name", async () => {
    const other = salt === PLAIN ? SECURE : PLAIN;
    const token = await authjsEncode({ token: CLAIMS, secret: SECRET, salt: other });
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: other })).not.toBeNull();
    expect(await decodeSessionJWT({ token, secret: SECRET, salt })).toBeNull();
  });
});

describe("decodeSessionJWT refuses", () => {
  it.each([0, 1, 2, 3, 4])("a token with one bit flipped in segment %i", async (i) => {
    const token = await authjsEncode({ token: CLAIMS, secret: SECRET, salt: PLAIN });
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).not.toBeNull();
    const tampered = tamper(token, i);
    expect(tampered).not.toBe(token);
    expect(await decodeSessionJWT({ token: tampered, secret: SECRET, salt: PLAIN })).toBeNull();
    await expect(authjsDecode({ token: tampered, secret: SECRET, salt: PLAIN })).rejects.toThrow();
  });

  it("an unsecured JWT (alg: none)", async () => {
    const token = new UnsecuredJWT(CLAIMS).setIssuedAt().setExpirationTime("1h").encode();
    expect(decodeProtectedHeader(token).alg).toBe("none");
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).toBeNull();
  });

  it("a JWE-shaped token whose header says alg: none", async () => {
    const real = await encodeSessionJWT({ token: CLAIMS, secret: SECRET, salt: PLAIN });
    const header = decodeProtectedHeader(real);
    const forged = base64url.encode(JSON.stringify({ ...header, alg: "none" }));
    const token = [forged, ...real.split(".").slice(1)].join(".");
    expect(await decodeSessionJWT({ token: real, secret: SECRET, salt: PLAIN })).not.toBeNull();
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).toBeNull();
  });

  it("a JWS signed with the derived key and carrying its kid", async () => {
    const key = await authjsKey(SECRET, PLAIN, 64);
    const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, "sha512");
    const token = await new SignJWT(CLAIMS)
      .setProtectedHeader({ alg: "HS512", kid })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key);
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).toBeNull();
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["empty", ""],
    ["garbage", "not-a-token"],
    ["five empty segments", "...."],
    ["a header that is not JSON", `${base64url.encode("{")}.x.y.z.w`],
  ])("%s input", async (_label, token) => {
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).toBeNull();
  });

  it("an expired token, allowing Auth.js's 15 seconds of clock skew", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
    const token = await authjsEncode({ token: CLAIMS, secret: SECRET, salt: PLAIN, maxAge: 60 });
    vi.setSystemTime(new Date("2030-01-01T00:01:10Z")); // 10 s past exp: within the tolerance
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).toMatchObject(CLAIMS);
    expect(await authjsDecode({ token, secret: SECRET, salt: PLAIN })).not.toBeNull();
    vi.setSystemTime(new Date("2030-01-01T00:01:20Z")); // 20 s past exp
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).toBeNull();
    await expect(authjsDecode({ token, secret: SECRET, salt: PLAIN })).rejects.toThrow(/exp/);
  });

  it("a token without exp, which Auth.js never issues (stricter than Auth.js, which accepts it)", async () => {
    const key = await authjsKey(SECRET, PLAIN, 64);
    const noExp = await new EncryptJWT(CLAIMS)
      .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512" })
      .setIssuedAt()
      .encrypt(key);
    const withExp = await new EncryptJWT(CLAIMS)
      .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .encrypt(key);
    expect(await authjsDecode({ token: noExp, secret: SECRET, salt: PLAIN })).toMatchObject(CLAIMS);
    expect(await decodeSessionJWT({ token: withExp, secret: SECRET, salt: PLAIN })).toMatchObject(CLAIMS);
    expect(await decodeSessionJWT({ token: noExp, secret: SECRET, salt: PLAIN })).toBeNull();
  });
});

describe("secret rotation", () => {
  it("[new, old] reads a token Auth.js made with old; [new] alone does not", async () => {
    const token = await authjsEncode({ token: CLAIMS, secret: OLD_SECRET, salt: PLAIN });
    expect(await decodeSessionJWT({ token, secret: [SECRET, OLD_SECRET], salt: PLAIN })).toMatchObject(
      CLAIMS,
    );
    expect(await decodeSessionJWT({ token, secret: [SECRET], salt: PLAIN })).toBeNull();
  });

  it("encodes with the first secret of the list", async () => {
    const token = await encodeSessionJWT({ token: CLAIMS, secret: [SECRET, OLD_SECRET], salt: PLAIN });
    expect(await authjsDecode({ token, secret: SECRET, salt: PLAIN })).toMatchObject(CLAIMS);
    await expect(authjsDecode({ token, secret: OLD_SECRET, salt: PLAIN })).rejects.toThrow();
  });

  it("tries every secret for a token without kid (older Auth.js releases)", async () => {
    const key = await authjsKey(OLD_SECRET, PLAIN, 64);
    const token = await new EncryptJWT(CLAIMS)
      .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .encrypt(key);
    expect(await authjsDecode({ token, secret: OLD_SECRET, salt: PLAIN })).toMatchObject(CLAIMS);
    expect(await decodeSessionJWT({ token, secret: [SECRET, OLD_SECRET], salt: PLAIN })).toMatchObject(
      CLAIMS,
    );
    expect(await decodeSessionJWT({ token, secret: [SECRET], salt: PLAIN })).toBeNull();
  });
});

describe("A256GCM, which Auth.js also accepts on decode", () => {
  it("reads a token sealed with a 32-byte key from the same derivation", async () => {
    const key = await authjsKey(SECRET, PLAIN, 32);
    const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, "sha256");
    const token = await new EncryptJWT(CLAIMS as JWTPayload)
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid })
      .setIssuedAt()
      .setExpirationTime("1h")
      .encrypt(key);
    expect(await authjsDecode({ token, secret: SECRET, salt: PLAIN })).toMatchObject(CLAIMS);
    expect(await decodeSessionJWT({ token, secret: SECRET, salt: PLAIN })).toMatchObject(CLAIMS);
    expect(await decodeSessionJWT({ token, secret: OLD_SECRET, salt: PLAIN })).toBeNull();
  });
});

describe("misuse throws TypeError", () => {
  it.each([
    ["an empty secret", { secret: "", salt: PLAIN }],
    ["an empty secret list", { secret: [], salt: PLAIN }],
    ["an empty entry in the list", { secret: [SECRET, ""], salt: PLAIN }],
    ["an empty salt", { secret: SECRET, salt: "" }],
  ])("%s", async (_label, params) => {
    await expect(encodeSessionJWT({ token: CLAIMS, ...params })).rejects.toThrow(TypeError);
    await expect(decodeSessionJWT({ token: "x.y.z", ...params })).rejects.toThrow(TypeError);
  });

  it.each([0, -1, 1.5, Number.NaN])("maxAge %s", async (maxAge) => {
    await expect(encodeSessionJWT({ token: CLAIMS, secret: SECRET, salt: PLAIN, maxAge })).rejects.toThrow(
      /maxAge/,
    );
  });
});

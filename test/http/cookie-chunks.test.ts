import { Auth } from "@auth/core";
import { getToken } from "@auth/core/jwt";
import { describe, expect, it } from "vitest";
import {
  COOKIE_CHUNK_SIZE,
  chunkCookie,
  clearChunkedCookie,
  MAX_COOKIE_CHUNKS,
  readChunkedCookie,
} from "../../src/http/cookie-chunks.js";
import { AUTHJS_COOKIE_NAMES, decodeSessionJWT, encodeSessionJWT } from "../../src/session/authjs-jwt.js";

const SECRET = "a-test-secret-that-is-long-enough-for-gatehouse";
const NAME = AUTHJS_COOKIE_NAMES.plain.sessionToken;

type Jar = Record<string, string>;

/** What a browser keeps after a response: set cookies replace, Max-Age=0 / past Expires remove. */
function applySetCookies(jar: Jar, setCookies: readonly string[]): Jar {
  const next = { ...jar };
  for (const header of setCookies) {
    const [pair, ...attributes] = header.split(";").map((s) => s.trim());
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq);
    const value = decodeURIComponent(pair!.slice(eq + 1));
    const removed = attributes.some((a) => {
      const [key, arg = ""] = a.split("=");
      if (key!.toLowerCase() === "max-age") return Number(arg) <= 0;
      if (key!.toLowerCase() === "expires") return Date.parse(arg) <= Date.now();
      return false;
    });
    if (removed) delete next[name];
    else next[name] = value;
  }
  return next;
}

/** Our write, as the Set-Cookie headers a caller would send. */
function toSetCookies({ set, clear }: ReturnType<typeof chunkCookie>): string[] {
  return [...set.map((c) => `${c.name}=${c.value}; Path=/`), ...clear.map((n) => `${n}=; Path=/; Max-Age=0`)];
}

const cookieHeader = (jar: Jar): string =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

/** A session whose JWE needs exactly `chunks` cookies. */
async function bigSession(
  chunks: number,
  salt = NAME,
): Promise<{ claims: Record<string, string>; jwe: string }> {
  // The JWE is base64url of the claims plus a fixed overhead: aim at the middle of the range.
  const target = Math.floor((chunks - 0.5) * COOKIE_CHUNK_SIZE);
  const claims = {
    sub: "user_1",
    name: "Ada",
    email: "ada@example.com",
    blob: "x".repeat((target * 3) / 4 - 250),
  };
  const jwe = await encodeSessionJWT({ token: claims, secret: SECRET, salt });
  expect(Math.ceil(jwe.length / COOKIE_CHUNK_SIZE)).toBe(chunks);
  return { claims, jwe };
}

describe("chunkCookie", () => {
  it("uses Auth.js's chunk size, 4096 - 160", () => {
    expect(COOKIE_CHUNK_SIZE).toBe(3936);
  });

  it("writes a value that fits as the name alone, and splits one character more", () => {
    const fits = "a".repeat(COOKIE_CHUNK_SIZE);
    expect(chunkCookie(NAME, fits)).toEqual({ set: [{ name: NAME, value: fits }], clear: [] });
    const split = chunkCookie(NAME, `${fits}b`);
    expect(split.set).toEqual([
      { name: `${NAME}.0`, value: fits },
      { name: `${NAME}.1`, value: "b" },
    ]);
  });

  it("round-trips a session that needs 3 chunks, read in any order", async () => {
    const { claims, jwe } = await bigSession(3);
    const { set, clear } = chunkCookie(NAME, jwe);
    expect(set.map((c) => c.name)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
    expect(set.every((c) => c.value.length <= COOKIE_CHUNK_SIZE)).toBe(true);
    expect(clear).toEqual([]);
    const reversed = Object.fromEntries(set.map((c) => [c.name, c.value]).reverse());
    expect(Object.keys(reversed)[0]).toBe(`${NAME}.2`);
    const value = readChunkedCookie(reversed, NAME);
    expect(value).toBe(jwe);
    expect(await decodeSessionJWT({ token: value, secret: SECRET, salt: NAME })).toMatchObject(claims);
  });

  it("clears the chunks a shorter value no longer uses", async () => {
    const three = (await bigSession(3)).jwe;
    const two = (await bigSession(2)).jwe;
    let jar = applySetCookies({ other: "kept" }, toSetCookies(chunkCookie(NAME, three)));
    expect(Object.keys(jar)).toHaveLength(4);

    const shrink = chunkCookie(NAME, two, { existing: jar });
    expect(shrink.clear).toEqual([`${NAME}.2`]);
    jar = applySetCookies(jar, toSetCookies(shrink));
    expect(readChunkedCookie(jar, NAME)).toBe(two);

    const single = chunkCookie(NAME, "short", { existing: jar });
    expect(single.clear.sort()).toEqual([`${NAME}.0`, `${NAME}.1`]);
    jar = applySetCookies(jar, toSetCookies(single));
    expect(jar).toEqual({ other: "kept", [NAME]: "short" });
    expect(readChunkedCookie(jar, NAME)).toBe("short");
  });

  it("clears the unchunked cookie and junk chunks when the value grows", async () => {
    const { jwe } = await bigSession(2);
    const existing = { [NAME]: "old", [`${NAME}.x`]: "junk", [`${NAME}-other`]: "not ours", other: "o" };
    const { clear } = chunkCookie(NAME, jwe, { existing });
    expect(clear.sort()).toEqual([NAME, `${NAME}.x`]);
    const jar = applySetCookies(existing, toSetCookies(chunkCookie(NAME, jwe, { existing })));
    expect(readChunkedCookie(jar, NAME)).toBe(jwe);
  });

  it.each([
    ["an empty name", "", "v"],
    ["an empty value", NAME, ""],
    ["a value with a semicolon", NAME, "a;b"],
    ["a value with a space", NAME, "a b"],
    ["a non-ASCII value", NAME, "é"],
  ])("refuses %s", (_label, name, value) => {
    expect(() => chunkCookie(name, value)).toThrow(TypeError);
  });

  it(`refuses a value that needs more than ${MAX_COOKIE_CHUNKS} chunks, and takes one that needs exactly that`, () => {
    const most = "a".repeat(MAX_COOKIE_CHUNKS * COOKIE_CHUNK_SIZE);
    expect(chunkCookie(NAME, most).set).toHaveLength(MAX_COOKIE_CHUNKS);
    expect(() => chunkCookie(NAME, `${most}a`)).toThrow(/16 allowed/);
  });
});

describe("readChunkedCookie", () => {
  const chunks = { [`${NAME}.0`]: "aa", [`${NAME}.1`]: "bb", [`${NAME}.2`]: "cc" };

  it("reads the name alone, and nothing as undefined", () => {
    expect(readChunkedCookie({ [NAME]: "v", other: "o" }, NAME)).toBe("v");
    expect(readChunkedCookie({ other: "o" }, NAME)).toBeUndefined();
    expect(readChunkedCookie({ [NAME]: "" }, NAME)).toBeUndefined();
  });

  it("joins chunks by number, not by name order (10 after 9)", () => {
    const eleven = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`${NAME}.${i}`, String.fromCharCode(97 + i)]),
    );
    const sortedByName = Object.fromEntries(Object.entries(eleven).sort(([a], [b]) => a.localeCompare(b)));
    expect(Object.keys(sortedByName)[2]).toBe(`${NAME}.10`);
    expect(readChunkedCookie(sortedByName, NAME)).toBe("abcdefghijk");
  });

  it("gives undefined when a middle chunk is missing or empty", () => {
    expect(readChunkedCookie(chunks, NAME)).toBe("aabbcc");
    const { [`${NAME}.1`]: _gone, ...gap } = chunks;
    expect(readChunkedCookie(gap, NAME)).toBeUndefined();
    expect(readChunkedCookie({ ...chunks, [`${NAME}.1`]: "" }, NAME)).toBeUndefined();
    const { [`${NAME}.0`]: _first, ...noFirst } = chunks;
    expect(readChunkedCookie(noFirst, NAME)).toBeUndefined();
  });

  it("ignores junk suffixes and other cookies sharing the prefix", () => {
    const noisy = {
      ...chunks,
      [`${NAME}.x`]: "junk",
      [`${NAME}.`]: "junk",
      [`${NAME}.1.0`]: "junk",
      [`${NAME}-csrf`]: "junk",
      [`__Secure-${NAME}.3`]: "junk",
    };
    expect(readChunkedCookie(noisy, NAME)).toBe("aabbcc");
  });

  it("gives undefined for indices it never writes: past the cap, or with a leading zero", () => {
    expect(readChunkedCookie({ ...chunks, [`${NAME}.99999`]: "zz" }, NAME)).toBeUndefined();
    expect(readChunkedCookie({ ...chunks, [`${NAME}.${MAX_COOKIE_CHUNKS}`]: "zz" }, NAME)).toBeUndefined();
    expect(readChunkedCookie({ ...chunks, [`${NAME}.01`]: "zz" }, NAME)).toBeUndefined();
  });

  it(`reads ${MAX_COOKIE_CHUNKS} chunks and no more`, () => {
    const full = Object.fromEntries(
      Array.from({ length: MAX_COOKIE_CHUNKS }, (_, i) => [`${NAME}.${i}`, "z"]),
    );
    expect(readChunkedCookie(full, NAME)).toBe("z".repeat(MAX_COOKIE_CHUNKS));
    expect(readChunkedCookie({ ...full, [`${NAME}.${MAX_COOKIE_CHUNKS}`]: "z" }, NAME)).toBeUndefined();
  });

  it("gives undefined when both the name and chunks are present", () => {
    expect(readChunkedCookie({ ...chunks, [NAME]: "whole" }, NAME)).toBeUndefined();
  });

  it("clearChunkedCookie lists the name and its chunks only", () => {
    const names = clearChunkedCookie(
      { ...chunks, [NAME]: "", [`${NAME}.x`]: "j", [`${NAME}-csrf`]: "c", a: "b" },
      NAME,
    );
    expect(names.sort()).toEqual([NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.x`]);
  });
});

describe.each([
  ["http", AUTHJS_COOKIE_NAMES.plain.sessionToken],
  ["https", AUTHJS_COOKIE_NAMES.secure.sessionToken],
])("interop with Auth.js's session chunking (%s)", (scheme, name) => {
  const config = { secret: SECRET, trustHost: true, basePath: "/auth", providers: [] };

  it("reads the chunks Auth.js writes when it renews a 3-chunk session", async () => {
    const { claims, jwe } = await bigSession(3, name);
    // The browser holds the session unchunked; Auth.js's renewal rewrites it in chunks.
    const before: Jar = { [name]: jwe };
    const response = await Auth(
      new Request(`${scheme}://localhost/auth/session`, { headers: { cookie: cookieHeader(before) } }),
      config,
    );
    expect(await response.json()).toMatchObject({ user: { name: "Ada" } });
    const after = applySetCookies(before, response.headers.getSetCookie());
    expect(
      Object.keys(after)
        .filter((k) => k.startsWith(name))
        .sort(),
    ).toEqual([`${name}.0`, `${name}.1`, `${name}.2`]);
    const value = readChunkedCookie(after, name);
    expect(value).not.toBe(jwe); // renewed: a new JWE
    expect(await decodeSessionJWT({ token: value, secret: SECRET, salt: name })).toMatchObject(claims);
  });

  it("writes chunks Auth.js reads", async () => {
    const { claims, jwe } = await bigSession(3, name);
    const jar = applySetCookies({}, toSetCookies(chunkCookie(name, jwe)));
    const req = new Request(`${scheme}://localhost/`, { headers: { cookie: cookieHeader(jar) } });
    const token = await getToken({ req, secret: SECRET, secureCookie: scheme === "https" });
    expect(token).toMatchObject(claims);
  });
});

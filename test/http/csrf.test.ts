import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { csrfCookieName, csrfState } from "../../src/http/csrf.js";

const SECRET = "s".repeat(40);

describe("CSRF double-submit (Auth.js format)", () => {
  it("names the cookie like Auth.js: __Host- on https", () => {
    expect(csrfCookieName("authjs", false)).toBe("authjs.csrf-token");
    expect(csrfCookieName("authjs", true)).toBe("__Host-authjs.csrf-token");
  });

  it("a new token's cookie is token|sha256(token + secret), as Auth.js computes it", () => {
    const fresh = csrfState(undefined, [SECRET], undefined);
    expect(fresh.verified).toBe(false);
    const [token, hash] = String(fresh.cookie).split("|");
    expect(token).toBe(fresh.token);
    expect(hash).toBe(createHash("sha256").update(`${token}${SECRET}`).digest("hex"));
  });

  it("verifies only the echo of a cookie it made", () => {
    const { cookie, token } = csrfState(undefined, [SECRET], undefined);
    expect(csrfState(cookie, [SECRET], token)).toMatchObject({ verified: true, token, cookie: undefined });
    expect(csrfState(cookie, [SECRET], `${token}x`).verified).toBe(false);
    expect(csrfState(cookie, [SECRET], undefined).verified).toBe(false);
    expect(csrfState(cookie, [SECRET], ["array"]).verified).toBe(false);
    // A cookie made with another secret, or forged without one, is replaced, not trusted.
    const forged = `${token}|${createHash("sha256").update(token).digest("hex")}`;
    const replaced = csrfState(forged, [SECRET], token);
    expect(replaced.verified).toBe(false);
    expect(replaced.token).not.toBe(token);
    expect(csrfState("garbage", [SECRET], "garbage").verified).toBe(false);
  });

  it("accepts a cookie made under an older secret of the rotation list", () => {
    const old = csrfState(undefined, ["old-secret-0123456789-0123456789-xx"], undefined);
    expect(csrfState(old.cookie, [SECRET, "old-secret-0123456789-0123456789-xx"], old.token).verified).toBe(
      true,
    );
  });
});

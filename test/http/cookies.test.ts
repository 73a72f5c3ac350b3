import { describe, expect, it } from "vitest";
import { cookieNames, parseCookies, serializeCookie } from "../../src/http/cookies.js";
import { parseSetCookie } from "../core/harness.js";

describe("cookieNames", () => {
  it("plain names on http, __Secure- on https", () => {
    expect(cookieNames("gatehouse", false)).toEqual({
      sessionToken: "gatehouse.session_token",
      sessionData: "gatehouse.session_data",
      dontRemember: "gatehouse.dont_remember",
      // The JWT strategy's cookie: Auth.js's name with the "authjs" prefix.
      sessionJWT: "gatehouse.session-token",
    });
    expect(cookieNames("authjs", false).sessionJWT).toBe("authjs.session-token");
    expect(cookieNames("authjs", true).sessionJWT).toBe("__Secure-authjs.session-token");
    const secure = cookieNames("myapp", true);
    expect(secure.sessionToken).toBe("__Secure-myapp.session_token");
    expect(Object.values(secure).every((n) => n.startsWith("__Secure-"))).toBe(true);
  });
});

describe("serializeCookie", () => {
  it("defaults to HttpOnly, SameSite=Lax, Path=/", () => {
    const c = parseSetCookie(serializeCookie("a", "b.c", { secure: false }));
    expect(c).toMatchObject({ name: "a", value: "b.c" });
    expect(c.attributes).toMatchObject({ httponly: true, path: "/" });
    expect(String(c.attributes.samesite).toLowerCase()).toBe("lax");
    expect(c.attributes.secure).toBeUndefined();
  });

  it("adds Secure and Max-Age when asked", () => {
    const c = parseSetCookie(serializeCookie("__Secure-a", "v", { secure: true, maxAge: 60 }));
    expect(c.attributes.secure).toBe(true);
    expect(c.attributes["max-age"]).toBe("60");
  });

  it("values are encoded so they cannot inject attributes", () => {
    const raw = serializeCookie("a", "x; Domain=evil.example", { secure: false });
    expect(raw).not.toContain("Domain=evil.example");
    expect(parseSetCookie(raw).value).toBe("x; Domain=evil.example");
  });
});

describe("parseCookies", () => {
  it("parses a header and survives junk", () => {
    expect(parseCookies("a=1; b=two%20words")).toMatchObject({ a: "1", b: "two words" });
    expect(parseCookies(null)).toEqual({});
    expect(parseCookies("")).toEqual({});
    expect(() => parseCookies("=;;; ; =x; %E0%A4%A=1")).not.toThrow();
  });
});

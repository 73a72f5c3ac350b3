/**
 * The official `better-auth/client` against a Gatehouse Express 5 server over real HTTP: the
 * JSON dialect must be wire-compatible (paths, bodies, response shapes, error codes).
 */
import Database from "better-sqlite3";
import { createAuthClient } from "better-auth/client";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { toNodeHandler } from "../../src/node/index.js";
import {
  CookieJar,
  SESSION_COOKIE,
  loggedErrors,
  startServer,
  testAuth,
  uniqueEmail,
  type TestServer,
} from "../helpers/http.js";

/**
 * A Node "browser": keeps cookies in a jar and sends `Origin` like a browser would on every
 * request. Server-side fetch sends no Origin, and Gatehouse refuses cookie-bearing
 * state-changing requests without one.
 */
function browserFetch(jar: CookieJar, origin: string) {
  return async function customFetchImpl(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const cookie = jar.header();
    if (cookie) headers.set("cookie", cookie);
    headers.set("origin", origin);
    const response = await fetch(input, {
      ...init,
      headers,
      redirect: "manual",
      signal: init?.signal ?? AbortSignal.timeout(5_000),
    });
    jar.storeFrom(response);
    return response;
  };
}

function clientFor(srv: TestServer, jar: CookieJar) {
  return createAuthClient({
    baseURL: srv.url,
    fetchOptions: { customFetchImpl: browserFetch(jar, srv.url) },
  });
}

describe("better-auth/client against Gatehouse (Express 5, SQLite)", () => {
  let auth: Auth;
  let srv: TestServer;
  let db: Database.Database;

  beforeAll(async () => {
    db = new Database(":memory:");
    auth = testAuth({ database: db });
    await auth.migrate();
    const app = express();
    app.all("/api/auth/*splat", toNodeHandler(auth));
    srv = await startServer(app);
  });
  afterAll(async () => {
    await srv.close();
    await auth.close();
    db.close();
  });

  it("drives a whole account lifecycle", async () => {
    const jar = new CookieJar();
    const client = clientFor(srv, jar);
    const email = uniqueEmail("client");
    const password = "correct horse battery";

    const up = await client.signUp.email({ name: "Ada", email, password });
    expect(up.error).toBeNull();
    expect(up.data?.user).toMatchObject({ email, name: "Ada", emailVerified: false });
    expect(typeof up.data?.token).toBe("string");
    expect(jar.get(SESSION_COOKIE)).toBeTruthy();

    // A second device signs in; the first one stays signed in.
    const otherJar = new CookieJar();
    const other = clientFor(srv, otherJar);
    const signIn = await other.signIn.email({ email, password });
    expect(signIn.error).toBeNull();
    expect(signIn.data).toMatchObject({ redirect: false, user: { email } });
    expect(otherJar.get(SESSION_COOKIE)).toBeTruthy();
    expect(otherJar.get(SESSION_COOKIE)).not.toBe(jar.get(SESSION_COOKIE));

    const session = await client.getSession();
    expect(session.error).toBeNull();
    expect(session.data?.user.email).toBe(email);
    expect(session.data?.session.userId).toBe(session.data?.user.id);
    expect(session.data?.session.expiresAt).toBeInstanceOf(Date);

    const sessions = await client.listSessions();
    expect(sessions.error).toBeNull();
    expect(sessions.data).toHaveLength(2);
    for (const s of sessions.data ?? []) expect(s.userId).toBe(session.data?.user.id);

    const updated = await client.updateUser({ name: "Ada Lovelace" });
    expect(updated.error).toBeNull();
    expect(updated.data).toEqual({ status: true });
    expect((await client.getSession()).data?.user.name).toBe("Ada Lovelace");

    const changed = await client.changePassword({
      currentPassword: password,
      newPassword: "an even better passphrase",
    });
    expect(changed.error).toBeNull();
    expect(changed.data?.user.email).toBe(email);
    const oldPassword = await clientFor(srv, new CookieJar()).signIn.email({ email, password });
    expect(oldPassword.error?.code).toBe("INVALID_EMAIL_OR_PASSWORD");

    const revoked = await client.revokeOtherSessions();
    expect(revoked.error).toBeNull();
    expect(revoked.data).toEqual({ status: true });
    expect((await client.listSessions()).data).toHaveLength(1);
    expect((await other.getSession()).data).toBeNull();

    const out = await client.signOut();
    expect(out.error).toBeNull();
    expect(out.data).toEqual({ success: true });
    expect(jar.get(SESSION_COOKIE)).toBeUndefined();
    expect((await client.getSession()).data).toBeNull();

    const unauthorized = await client.listSessions();
    expect(unauthorized.error?.status).toBe(401);
    expect(unauthorized.error?.code).toBe("UNAUTHORIZED");
  });

  it("changePassword with revokeOtherSessions keeps this client signed in with a new session", async () => {
    const jar = new CookieJar();
    const client = clientFor(srv, jar);
    const email = uniqueEmail("rotate");
    await client.signUp.email({ name: "Rot", email, password: "first passphrase" });
    const before = jar.get(SESSION_COOKIE);
    const changed = await client.changePassword({
      currentPassword: "first passphrase",
      newPassword: "second passphrase",
      revokeOtherSessions: true,
    });
    expect(changed.error).toBeNull();
    expect(typeof changed.data?.token).toBe("string");
    expect(jar.get(SESSION_COOKIE)).not.toBe(before);
    expect((await client.getSession()).data?.user.email).toBe(email);
  });

  it("reports a wrong password as INVALID_EMAIL_OR_PASSWORD (401)", async () => {
    const client = clientFor(srv, new CookieJar());
    const email = uniqueEmail("wrong");
    await client.signUp.email({ name: "W", email, password: "the right passphrase" });
    const res = await clientFor(srv, new CookieJar()).signIn.email({
      email,
      password: "the wrong passphrase",
    });
    expect(res.data).toBeNull();
    expect(res.error?.status).toBe(401);
    expect(res.error?.code).toBe("INVALID_EMAIL_OR_PASSWORD");
    expect(res.error?.message).toBe("Invalid email or password");
    const unknown = await clientFor(srv, new CookieJar()).signIn.email({
      email: uniqueEmail("nobody"),
      password: "whatever passphrase",
    });
    expect(unknown.error?.status).toBe(401);
    expect(unknown.error?.code).toBe("INVALID_EMAIL_OR_PASSWORD");
  });

  it("reports a duplicate sign-up as USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL (422)", async () => {
    const email = uniqueEmail("dup");
    const first = await clientFor(srv, new CookieJar()).signUp.email({
      name: "D",
      email,
      password: "a fine passphrase",
    });
    expect(first.error).toBeNull();
    const again = await clientFor(srv, new CookieJar()).signUp.email({
      name: "D",
      email: email.toUpperCase(),
      password: "a fine passphrase",
    });
    expect(again.data).toBeNull();
    expect(again.error?.status).toBe(422);
    expect(again.error?.code).toBe("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
  });

  it("reports a wrong current password on changePassword as INVALID_PASSWORD (400)", async () => {
    const client = clientFor(srv, new CookieJar());
    await client.signUp.email({ name: "C", email: uniqueEmail("cp"), password: "a fine passphrase" });
    const res = await client.changePassword({
      currentPassword: "not it at all",
      newPassword: "another passphrase",
    });
    expect(res.error?.status).toBe(400);
    expect(res.error?.code).toBe("INVALID_PASSWORD");
  });

  it("is refused without Origin once it has cookies (the server-side fetch pitfall)", async () => {
    const jar = new CookieJar();
    await clientFor(srv, jar).signUp.email({
      name: "N",
      email: uniqueEmail("noorigin"),
      password: "a fine passphrase",
    });
    const bare = createAuthClient({
      baseURL: srv.url,
      fetchOptions: {
        customFetchImpl: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...Object.fromEntries(new Headers(init?.headers)), cookie: jar.header() },
          }),
      },
    });
    const res = await bare.updateUser({ name: "Nope" });
    expect(res.error?.status).toBe(403);
    expect(res.error?.code).toBe("INVALID_ORIGIN");
  });

  it("logged no unexpected errors", () => {
    expect(loggedErrors).toEqual([]);
  });
});

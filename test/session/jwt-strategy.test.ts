/**
 * The JWT session strategy: no session row, the session in an encrypted cookie in Auth.js's
 * format. A cookie minted by Auth.js (`@auth/core/jwt`) with the same secret is read as is.
 */
import { encode } from "@auth/core/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionJWT } from "../../src/session/authjs-jwt.js";
import { Client, makeAuth, SECRET, uniqueEmail } from "../core/harness.js";

const JWT_COOKIE = "gatehouse.session-token";

describe("session.strategy: jwt", () => {
  it("sign-up sets an encrypted session JWT and stores no session row; get-session reads it", async () => {
    const { auth } = makeAuth({ session: { strategy: "jwt" } });
    const client = new Client(auth);
    const email = uniqueEmail("jwt");
    const up = await client.signUp(email);
    expect(up.status).toBe(200);
    expect(client.jar.get("gatehouse.session_token")).toBeUndefined();
    const jwt = client.jar.get(JWT_COOKIE);
    expect(jwt?.split(".")).toHaveLength(5);
    expect(await auth.$context.store.count("session")).toBe(0);
    const claims = await decodeSessionJWT({ token: jwt, secret: SECRET, salt: JWT_COOKIE });
    expect(claims).toMatchObject({ sub: up.body.user.id, email, name: "Test User" });

    const session = await client.getSession();
    expect(session.body.user).toMatchObject({ id: up.body.user.id, email });
    expect(new Date(session.body.session.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it("sign-out clears the cookie; a tampered or foreign-secret cookie is no session", async () => {
    const { auth } = makeAuth({ session: { strategy: "jwt" } });
    const client = new Client(auth);
    await client.signUp(uniqueEmail("jwt-out"));
    const jwt = client.jar.get(JWT_COOKIE)!;
    expect((await client.post("/sign-out")).status).toBe(200);
    expect(client.jar.get(JWT_COOKIE)).toBeUndefined();
    expect((await client.getSession()).body).toBeNull();

    const tampered = new Client(auth);
    tampered.jar.set(JWT_COOKIE, `${jwt.slice(0, 40)}A${jwt.slice(41)}`);
    expect((await tampered.getSession()).body).toBeNull();
    const foreign = new Client(auth);
    foreign.jar.set(
      JWT_COOKIE,
      await encode({
        token: { sub: "x", email: "x@example.test" },
        secret: "another-secret-0123456789-abcdefghijkl",
        salt: JWT_COOKIE,
      }),
    );
    expect((await foreign.getSession()).body).toBeNull();
  });

  it("reads a session cookie minted by Auth.js with the same secret (cookiePrefix authjs)", async () => {
    const { auth } = makeAuth({ session: { strategy: "jwt" }, advanced: { cookiePrefix: "authjs" } });
    const minted = await encode({
      token: { sub: "user-from-authjs", name: "Ada", email: "ada@example.test", picture: "https://i/a.png" },
      secret: SECRET,
      salt: "authjs.session-token",
    });
    const client = new Client(auth);
    client.jar.set("authjs.session-token", minted);
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      id: "user-from-authjs",
      name: "Ada",
      email: "ada@example.test",
      image: "https://i/a.png",
    });
  });
});

describe("callbacks.jwt (JWT sessions)", () => {
  it("adds claims at sign-in that reach callbacks.session, keeps them on reads, and null ends the session", async () => {
    const { startServer } = await import("../helpers/http.js");
    const { ExpressAuth } = await import("../../src/express/index.js");
    const express = (await import("express")).default;
    let revoked = false;
    const { auth } = makeAuth({
      session: { strategy: "jwt" },
      callbacks: {
        jwt: ({ token, user, trigger }) => {
          if (revoked) return null;
          return trigger === "signIn"
            ? { ...token, role: user?.email.startsWith("admin") ? "admin" : "member" }
            : token;
        },
        session: ({ session, token }) => ({ ...session, role: token?.role }),
      },
    });
    const app = express();
    app.use("/auth", ExpressAuth(auth));
    const srv = await startServer(app);
    try {
      const client = new Client(auth);
      await client.signUp(`admin-${uniqueEmail("jwtcb")}`);
      const cookie = `${JWT_COOKIE}=${client.jar.get(JWT_COOKIE)}`;
      const read = async () => (await fetch(`${srv.url}/auth/session`, { headers: { cookie } })).json();
      expect(await read()).toMatchObject({
        role: "admin",
        user: { email: expect.stringMatching(/^admin-/) },
      });
      revoked = true;
      expect(await read()).toBeNull();
    } finally {
      await srv.close();
    }
  });
});

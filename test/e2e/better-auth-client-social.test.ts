/**
 * `better-auth/client`'s social calls against Gatehouse over real HTTP: signIn.social,
 * listAccounts, getAccessToken, unlinkAccount, with GitHub played by a local stand-in.
 */
import { createAuthClient } from "better-auth/client";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { toNodeHandler } from "../../src/node/index.js";
import GitHub from "../../src/providers/github.js";
import { CookieJar, startServer, type TestServer, testAuth } from "../helpers/http.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

describe("better-auth/client social sign-in against Gatehouse (Express 5)", () => {
  let auth: Auth;
  let srv: TestServer;
  let github: StandIn;
  const jar = new CookieJar();

  beforeAll(async () => {
    github = await startStandIn({
      clientId: "gh-client",
      clientSecret: "gh-secret",
      routes: {
        "GET /user": {
          id: 583231,
          login: "octocat",
          name: "The Octocat",
          email: null,
          avatar_url: "https://a/o.png",
        },
        "GET /user/emails": [
          { email: "octocat@github.test", primary: true, verified: true, visibility: null },
        ],
      },
    });
    auth = testAuth({
      providers: [
        GitHub({
          clientId: "gh-client",
          clientSecret: "gh-secret",
          authorization: github.authorizeURL,
          token: github.tokenURL,
          userinfo: `${github.url}/user`,
        }),
      ],
    });
    const app = express();
    app.all("/api/auth/*splat", toNodeHandler(auth));
    srv = await startServer(app);
  });
  afterAll(async () => {
    await srv.close();
    await github.close();
  });

  /** A browser: the jar's cookies and the app's Origin on every request, redirects not followed. */
  const browserFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (jar.header()) headers.set("cookie", jar.header());
    headers.set("origin", srv.url);
    const response = await fetch(input, { ...init, headers, redirect: "manual" });
    jar.storeFrom(response);
    return response;
  };

  it("signIn.social returns the provider URL; the callback signs in; account calls work", async () => {
    const client = createAuthClient({ baseURL: srv.url, fetchOptions: { customFetchImpl: browserFetch } });
    const start = await client.signIn.social({
      provider: "github",
      callbackURL: "/dash",
      disableRedirect: true,
    });
    expect(start.error).toBeNull();
    const url = new URL(String(start.data?.url));
    expect(url.origin).toBe(github.url);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe(`${srv.url}/api/auth/callback/github`);

    const atProvider = await fetch(url, { redirect: "manual" });
    const back = await browserFetch(String(atProvider.headers.get("location")));
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/dash");

    const session = await client.getSession();
    expect(session.data?.user).toMatchObject({
      email: "octocat@github.test",
      name: "The Octocat",
      emailVerified: true,
    });
    const accounts = await client.listAccounts();
    expect(accounts.data).toEqual([expect.objectContaining({ providerId: "github", accountId: "583231" })]);
    // Better Auth 1.7 selects an account by its row id.
    const accountId = String(accounts.data?.[0]?.id);
    const token = await client.getAccessToken({ accountId });
    expect(token.error).toBeNull();
    expect(typeof token.data?.accessToken).toBe("string");
    const info = await client.accountInfo({ query: { accountId } });
    expect(info.error).toBeNull();
    expect(info.data).toMatchObject({
      user: { id: "583231", email: "octocat@github.test", emailVerified: true },
      data: { login: "octocat" },
      account: { id: accountId, providerId: "github", accountId: "583231" },
    });
    const refreshed = await client.refreshToken({ accountId });
    expect(refreshed.data).toMatchObject({ providerId: "github", accountId });
    const unlink = await client.unlinkAccount({ accountId });
    expect(unlink.error?.status).toBe(400);
    expect(unlink.error?.code).toBe("FAILED_TO_UNLINK_LAST_ACCOUNT");
  });
});

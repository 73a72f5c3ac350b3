/**
 * Client authentication at the token endpoint, as the stand-in provider sees it:
 * client_secret_basic by default, client_secret_post on request, and none for a public client
 * (PKCE only). private_key_jwt runs against the real oidc-provider in test/e2e.
 */
import { afterEach, describe, expect, it } from "vitest";
import OAuth2 from "../../src/providers/oauth2.js";
import type { ClientAuthMethod } from "../../src/providers/types.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const profile = { id: 9, name: "Pat", email: "pat@example.test" };

async function signIn(method: ClientAuthMethod | undefined, secret: string | undefined) {
  standIn = await startStandIn({
    clientId: "client-9",
    ...(secret ? { clientSecret: secret } : {}),
    routes: { "GET /me": profile },
  });
  const result = await signInThrough(
    OAuth2({
      id: "acme",
      clientId: "client-9",
      ...(secret ? { clientSecret: secret } : {}),
      ...(method ? { client: { token_endpoint_auth_method: method } } : {}),
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/me`,
    }),
  );
  const tokenRequest = standIn.requests.find((r) => r.path === "/token");
  if (!tokenRequest) throw new Error("no token request");
  return { result, tokenRequest };
}

describe("client authentication", () => {
  it("defaults to client_secret_basic: the secret travels in the Authorization header only", async () => {
    const { result, tokenRequest } = await signIn(undefined, "s3cret");
    expect(result.flow.final.headers.get("location")).toBe("/dashboard");
    const basic = tokenRequest.headers.get("authorization") ?? "";
    expect(basic).toMatch(/^Basic /);
    // RFC 6749 section 2.3.1: id and secret are form-encoded before base64.
    const [id, secret] = Buffer.from(basic.slice(6), "base64").toString().split(":").map(decodeURIComponent);
    expect([id, secret]).toEqual(["client-9", "s3cret"]);
    expect(tokenRequest.form.get("client_secret")).toBeNull();
    expect(tokenRequest.form.get("code_verifier")).toMatch(/^[\w-]{43,128}$/);
  });

  it("client_secret_post sends the id and secret in the form", async () => {
    const { result, tokenRequest } = await signIn("client_secret_post", "s3cret");
    expect(result.user?.email).toBe("pat@example.test");
    expect(tokenRequest.headers.get("authorization")).toBeNull();
    expect(tokenRequest.form.get("client_id")).toBe("client-9");
    expect(tokenRequest.form.get("client_secret")).toBe("s3cret");
  });

  it("none: a public client sends only its id, and PKCE carries the proof", async () => {
    const { result, tokenRequest } = await signIn("none", undefined);
    expect(result.user?.email).toBe("pat@example.test");
    expect(tokenRequest.headers.get("authorization")).toBeNull();
    expect(tokenRequest.form.get("client_id")).toBe("client-9");
    expect(tokenRequest.form.get("client_secret")).toBeNull();
    expect(tokenRequest.form.get("code_verifier")).toBeTruthy();
  });

  it("a wrong secret ends the sign-in with invalid_code and no session", async () => {
    standIn = await startStandIn({
      clientId: "client-9",
      clientSecret: "right",
      routes: { "GET /me": profile },
    });
    const { flow, user } = await signInThrough(
      OAuth2({
        id: "acme",
        clientId: "client-9",
        clientSecret: "wrong",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/me`,
      }),
    );
    expect(flow.final.status).toBe(302);
    expect(new URL(String(flow.final.headers.get("location"))).searchParams.get("error")).toBe(
      "invalid_code",
    );
    expect(
      flow.final.headers.getSetCookie().some((c) => c.includes("session_token=") && !c.includes("Max-Age=0")),
    ).toBe(false);
    expect(user).toBeNull();
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import Authentik from "../../src/providers/authentik.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

/** authentik's default scope mappings put these claims in the ID token. */
const claims = {
  sub: "f2e9c1b0d4a3e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0",
  email: "akadmin@example.test",
  email_verified: true,
  name: "authentik Default Admin",
  given_name: "authentik Default Admin",
  preferred_username: "akadmin",
  nickname: "akadmin",
  groups: ["authentik Admins"],
};

let standIn: StandIn | undefined;
afterEach(() => {
  vi.unstubAllEnvs();
  return standIn?.close();
});

describe("authentik preset", () => {
  it("takes the issuer from AUTH_AUTHENTIK_ISSUER and signs in from the ID token", async () => {
    standIn = await startStandIn({
      clientId: "ak-id",
      clientSecret: "ak-secret",
      oidc: true,
      idTokenClaims: claims,
    });
    vi.stubEnv("AUTH_AUTHENTIK_ISSUER", standIn.url);
    const provider = Authentik({ clientId: "ak-id", clientSecret: "ak-secret" });
    expect(provider.issuer).toBeUndefined();
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "authentik", callbackURL: "/dashboard" });
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "authentik Default Admin",
      email: "akadmin@example.test",
      emailVerified: true,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "authentik", accountId: claims.sub }),
    ]);
  });

  it("refuses to start without an issuer, naming the variable", () => {
    vi.stubEnv("AUTH_AUTHENTIK_ISSUER", "");
    expect(() =>
      makeAuth({ providers: [Authentik({ clientId: "ak-id", clientSecret: "ak-secret" })] }),
    ).toThrow(/AUTH_AUTHENTIK_ISSUER/);
  });
});

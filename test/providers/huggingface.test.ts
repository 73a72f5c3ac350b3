import { afterEach, describe, expect, it } from "vitest";
import HuggingFace from "../../src/providers/huggingface.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

const sub = "6391ab2f4a7c8e3d1b2a9f01";

/** The documented userinfo claims, with Hugging Face's own fields. */
const userinfo = {
  sub,
  name: "Hugo Face",
  preferred_username: "hugo",
  profile: "https://huggingface.example.test/hugo",
  picture: "https://cdn-avatars.huggingface.example.test/hugo.png",
  website: "https://hugo.example.test",
  email: "hugo@example.test",
  email_verified: true,
  isPro: false,
  orgs: [{ sub: "org-1", name: "Example Org", preferred_username: "example", isEnterprise: false }],
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Hugging Face preset", () => {
  it("validates the ID token and reads the profile from userinfo", async () => {
    standIn = await startStandIn({
      clientId: "hf-id",
      clientSecret: "hf-secret",
      oidc: true,
      idTokenClaims: { sub, preferred_username: "hugo" },
      routes: { "GET /userinfo": userinfo },
    });
    const provider = HuggingFace({ clientId: "hf-id", clientSecret: "hf-secret", issuer: standIn.url });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "huggingface", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn.requests.some((r) => r.path === "/userinfo")).toBe(true);
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Hugo Face",
      email: "hugo@example.test",
      emailVerified: true,
      image: userinfo.picture,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "huggingface", accountId: sub })]);
  });
});

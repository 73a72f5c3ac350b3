import { describe, expectTypeOf, it } from "vitest";
import type { Account, OAuthConfig, Profile, ProviderUser, Session, User } from "../../src/index.js";
import GitHub, { type GitHubProfile } from "../../src/providers/github.js";

describe("Auth.js's types", () => {
  it("Account carries Auth.js's fields", () => {
    expectTypeOf<Account>().toHaveProperty("provider").toEqualTypeOf<string>();
    expectTypeOf<Account>().toHaveProperty("providerAccountId").toEqualTypeOf<string>();
    expectTypeOf<Account["type"]>().toEqualTypeOf<"oauth" | "oidc" | "credentials" | "email" | "webauthn">();
    expectTypeOf<Account>().toHaveProperty("expires_at").toEqualTypeOf<number | undefined>();
    expectTypeOf<Account>().toHaveProperty("access_token").toEqualTypeOf<string | undefined>();
    expectTypeOf<Account>().toHaveProperty("refresh_token").toEqualTypeOf<string | undefined>();
    expectTypeOf<Account>().toHaveProperty("id_token").toEqualTypeOf<string | undefined>();
    expectTypeOf<Account>().toHaveProperty("userId").toEqualTypeOf<string | undefined>();
  });

  it("Session, User and Profile have Auth.js's shapes", () => {
    expectTypeOf<Session>().toHaveProperty("expires").toEqualTypeOf<string>();
    expectTypeOf<Session["user"]>().toHaveProperty("email");
    expectTypeOf<User>().toHaveProperty("emailVerified").toEqualTypeOf<boolean>();
    expectTypeOf<Profile>().toHaveProperty("email");
  });

  it("profile() is typed by the provider's profile and must return a user", () => {
    GitHub({
      profile(profile) {
        expectTypeOf(profile).toEqualTypeOf<GitHubProfile>();
        expectTypeOf(profile.login).toEqualTypeOf<string>();
        return { id: String(profile.id), name: profile.login };
      },
    });
    expectTypeOf<ReturnType<NonNullable<OAuthConfig["profile"]>>>().toEqualTypeOf<
      ProviderUser | Promise<ProviderUser>
    >();
    // @ts-expect-error: the mapped user needs an id
    GitHub({ profile: () => ({ name: "no id" }) });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import Discord from "../../src/providers/discord.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

// The user object of GET /users/@me, as in Discord's reference.
const me = {
  id: "80351110224678912",
  username: "nelly",
  discriminator: "0",
  global_name: "Nelly",
  avatar: "8342729096ea3675442027381ff50dfe",
  verified: true,
  email: "nelly@discord.example",
  flags: 64,
  banner: null,
  accent_color: null,
  premium_type: 1,
  public_flags: 64,
  mfa_enabled: false,
  locale: "en-US",
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(user: Record<string, unknown>) {
  standIn = await startStandIn({
    clientId: "discord-id",
    clientSecret: "discord-secret",
    tokenResponse: { scope: "identify email" },
    routes: { "GET /api/users/@me": user },
  });
  return signInThrough(
    Discord({
      clientId: "discord-id",
      clientSecret: "discord-secret",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/api/users/@me`,
    }),
  );
}

describe("Discord preset", () => {
  it("maps the display name, the verified email and the avatar", async () => {
    const { flow, user, accounts } = await signIn(me);
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("identify email");
    expect(user).toMatchObject({
      name: "Nelly",
      email: "nelly@discord.example",
      emailVerified: true,
      image: `https://cdn.discordapp.com/avatars/${me.id}/${me.avatar}.png`,
    });
    expect(accounts).toEqual([
      expect.objectContaining({ providerId: "discord", accountId: me.id, scopes: ["identify", "email"] }),
    ]);
  });

  it("falls back to the username and the default avatar; an unverified email stays unverified", async () => {
    const { user } = await signIn({ ...me, global_name: null, avatar: null, verified: false });
    // Default avatar index for the unique-username system: (id >> 22) % 6.
    const index = Number((BigInt(me.id) >> 22n) % 6n);
    expect(user).toMatchObject({
      name: "nelly",
      emailVerified: false,
      image: `https://cdn.discordapp.com/embed/avatars/${index}.png`,
    });
  });
});

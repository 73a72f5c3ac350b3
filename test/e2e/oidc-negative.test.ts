/**
 * Refusals of the OAuth/OIDC callback. Each one must fail closed: our final redirect carries a
 * stable `error` code, no session cookie is set and no user is created. The protocol checks
 * (state, PKCE, RFC 9207 iss, the OP's own errors) run against the real OP (`oidc-provider`);
 * ID token forgeries need a hostile provider, so they run against the scriptable stand-in.
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OAuthConfig } from "../../src/providers/types.js";
import { Client, type CallResult, ORIGIN, type TestAuth, makeAuth } from "../core/harness.js";
import { authorizeAtOP, startOidcProvider } from "../helpers/oidc-provider.js";
import {
  counts,
  deliver,
  type Delivery,
  errorOf,
  LOCAL_CALLBACK,
  LOCAL_SECRET,
  type LocalOP,
  locationOf,
  setsSession,
  signInAtOP,
  startAt,
  startLocalOP,
} from "../helpers/op-flow.js";
import { type StandIn, type StandInOptions, startStandIn } from "../helpers/provider-stand-in.js";

const TRANSACTION_COOKIE = "gatehouse.oauth_transaction";
const ERROR_PAGE = `${ORIGIN}/api/auth/error`;

let local: LocalOP;

beforeAll(async () => {
  local = await startLocalOP();
});

afterAll(async () => {
  await local?.close();
});

function setup(provider: OAuthConfig = local.config()): TestAuth {
  return makeAuth({ providers: [provider] }).auth;
}

/**
 * The refusal contract: the final redirect names `code`, goes to `target` (the error page, or
 * the app's errorCallbackURL once the transaction is known to be ours), sets no session cookie,
 * and leaves the user, account and session counts as they were.
 */
async function expectRefused(
  auth: TestAuth,
  delivery: Delivery,
  code: string,
  options: { target?: string; before?: Awaited<ReturnType<typeof counts>>; extra?: CallResult[] } = {},
): Promise<void> {
  const location = locationOf(delivery.final);
  expect(location.searchParams.get("error")).toBe(code);
  expect(`${location.origin}${location.pathname}`).toBe(options.target ?? ERROR_PAGE);
  expect(setsSession(delivery.callback, delivery.final, ...(options.extra ?? []))).toBe(false);
  expect(await counts(auth)).toEqual(options.before ?? { users: 0, accounts: 0, sessions: 0 });
}

describe("callback refusals against the real OP", () => {
  it("a wrong or missing state: state_mismatch, and the transaction is gone (the genuine answer no longer works)", async () => {
    for (const state of ["not-the-state-we-sent", null]) {
      const auth = setup();
      const client = new Client(auth);
      const start = await startAt(client, { errorCallbackURL: "/signin-failed" });
      const handBack = await authorizeAtOP(start.url, { login: local.account().sub });
      const forged = new URL(handBack.url);
      if (state === null) forged.searchParams.delete("state");
      else forged.searchParams.set("state", state);

      // The app's errorCallbackURL is not used: a wrong state proves the transaction is not this answer's.
      await expectRefused(auth, await deliver(client, { method: "GET", url: forged.href }), "state_mismatch");
      await expectRefused(auth, await deliver(client, handBack), "please_restart_the_process");
    }
  });

  it("a replayed callback with the original transaction cookie: state_already_used", async () => {
    const auth = setup();
    const client = new Client(auth);
    const start = await startAt(client, { errorCallbackURL: "/signin-failed" });
    const captured = client.jar.get(TRANSACTION_COOKIE);
    expect(captured).toBeTruthy();
    const handBack = await authorizeAtOP(start.url, { login: local.account().sub });
    const first = await deliver(client, handBack);
    expect(errorOf(first.final)).toBeNull();
    const after = await counts(auth);
    expect(after).toEqual({ users: 1, accounts: 1, sessions: 1 });

    const replayer = new Client(auth);
    replayer.jar.set(TRANSACTION_COOKIE, captured!);
    await expectRefused(auth, await deliver(replayer, handBack), "state_already_used", {
      target: `${ORIGIN}/signin-failed`,
      before: after,
    });
  });

  it("the same callback delivered twice at once: exactly one signs in, the other is state_already_used", async () => {
    const auth = setup();
    const client = new Client(auth);
    const start = await startAt(client, { errorCallbackURL: "/signin-failed" });
    const handBack = await authorizeAtOP(start.url, { login: local.account().sub });
    const twin = new Client(auth, { jar: client.jar.clone() });
    const outcomes = await Promise.all([deliver(client, handBack), deliver(twin, handBack)]);
    const errors = outcomes.map((o) => errorOf(o.final)).sort();
    expect(errors).toEqual(["state_already_used", null].sort());
    expect(outcomes.filter((o) => setsSession(o.callback, o.final))).toHaveLength(1);
    expect(await counts(auth)).toEqual({ users: 1, accounts: 1, sessions: 1 });
  });

  it("a code fed to another sign-in's transaction (its PKCE verifier is wrong): the OP refuses, invalid_code", async () => {
    const auth = setup();
    const victim = new Client(auth);
    const attacker = new Client(auth);
    const victimStart = await startAt(victim);
    const attackerStart = await startAt(attacker, { errorCallbackURL: "/signin-failed" });
    const handBack = await authorizeAtOP(victimStart.url, { login: local.account().sub });
    // The victim's code with the attacker's own state: the state check passes, PKCE must not.
    const injected = new URL(handBack.url);
    injected.searchParams.set("state", new URL(attackerStart.url).searchParams.get("state")!);

    await expectRefused(
      auth,
      await deliver(attacker, { method: "GET", url: injected.href }),
      "invalid_code",
      {
        target: `${ORIGIN}/signin-failed`,
      },
    );
  });

  it("an answer delivered to a browser holding another sign-in's transaction: state_mismatch", async () => {
    const auth = setup();
    const victim = new Client(auth);
    const other = new Client(auth);
    const victimStart = await startAt(victim);
    await startAt(other);
    const handBack = await authorizeAtOP(victimStart.url, { login: local.account().sub });
    await expectRefused(auth, await deliver(other, handBack), "state_mismatch");
  });

  it("an iss that is not the OP's (mix-up), or none from an OP that sends it: issuer_mismatch", async () => {
    for (const iss of ["http://127.0.0.1:1", null]) {
      const auth = setup();
      const client = new Client(auth);
      const start = await startAt(client, { errorCallbackURL: "/signin-failed" });
      const handBack = await authorizeAtOP(start.url, { login: local.account().sub });
      const altered = new URL(handBack.url);
      expect(altered.searchParams.get("iss")).toBe(local.op.issuer);
      if (iss === null) altered.searchParams.delete("iss");
      else altered.searchParams.set("iss", iss);
      await expectRefused(
        auth,
        await deliver(client, { method: "GET", url: altered.href }),
        "issuer_mismatch",
        {
          target: `${ORIGIN}/signin-failed`,
        },
      );
    }
  });

  it("an OP that sends no iss (before RFC 9207) signs in, and an iss injected into its answer is refused", async () => {
    const legacy = await startOidcProvider({
      clients: [{ client_id: "legacy", client_secret: LOCAL_SECRET, redirect_uris: [LOCAL_CALLBACK] }],
      issAuthResp: false,
    });
    try {
      const provider = local.config({ issuer: legacy.issuer, clientId: "legacy" });
      for (const inject of [false, true]) {
        legacy.accounts.set("legacy-user", { sub: "legacy-user", email: "legacy@example.test" });
        const auth = setup(provider);
        const client = new Client(auth);
        const start = await startAt(client, { errorCallbackURL: "/signin-failed" });
        const handBack = new URL((await authorizeAtOP(start.url, { login: "legacy-user" })).url);
        expect(handBack.searchParams.has("iss")).toBe(false);
        if (!inject) {
          const delivery = await deliver(client, { method: "GET", url: handBack.href });
          expect(errorOf(delivery.final)).toBeNull();
          expect((await counts(auth)).users).toBe(1);
        } else {
          handBack.searchParams.set("iss", local.op.issuer);
          await expectRefused(
            auth,
            await deliver(client, { method: "GET", url: handBack.href }),
            "issuer_mismatch",
            {
              target: `${ORIGIN}/signin-failed`,
            },
          );
        }
      }
    } finally {
      await legacy.close();
    }
  });

  it("the user denies at the OP: error=access_denied at the errorCallbackURL (or the error page), also by form_post", async () => {
    for (const [errorCallbackURL, responseMode] of [
      ["/signin-failed", "query"],
      [undefined, "query"],
      ["/signin-failed", "form_post"],
    ] as const) {
      const auth = setup(local.config({ responseMode }));
      const flow = await signInAtOP(new Client(auth), {
        login: local.account().sub,
        deny: true,
        body: { errorCallbackURL },
      });
      const answer =
        flow.handBack.method === "GET"
          ? new URL(flow.handBack.url).searchParams.get("error")
          : flow.handBack.form.error;
      expect(answer).toBe("access_denied");
      expect(flow.handBack.method).toBe(responseMode === "form_post" ? "POST" : "GET");
      await expectRefused(auth, flow, "access_denied", {
        target: errorCallbackURL ? `${ORIGIN}${errorCallbackURL}` : ERROR_PAGE,
      });
    }
  });

  it("a callback without the transaction cookie, or with a tampered one: please_restart_the_process", async () => {
    for (const tamper of [
      (jar: Client["jar"]) => jar.delete(TRANSACTION_COOKIE),
      (jar: Client["jar"]) => {
        // A compact JWE: flip the first character of its ciphertext.
        const parts = jar.get(TRANSACTION_COOKIE)!.split(".");
        parts[3] = (parts[3]![0] === "A" ? "B" : "A") + parts[3]!.slice(1);
        jar.set(TRANSACTION_COOKIE, parts.join("."));
      },
    ]) {
      const auth = setup();
      const client = new Client(auth);
      const start = await startAt(client, { errorCallbackURL: "/signin-failed" });
      const handBack = await authorizeAtOP(start.url, { login: local.account().sub });
      tamper(client.jar);
      await expectRefused(auth, await deliver(client, handBack), "please_restart_the_process");
    }
  });

  it("a callback with the code removed: no_code (not blamed on the provider)", async () => {
    const auth = setup();
    const client = new Client(auth);
    const start = await startAt(client, { errorCallbackURL: "/signin-failed" });
    const handBack = new URL((await authorizeAtOP(start.url, { login: local.account().sub })).url);
    handBack.searchParams.delete("code");
    await expectRefused(auth, await deliver(client, { method: "GET", url: handBack.href }), "no_code", {
      target: `${ORIGIN}/signin-failed`,
    });
  });

  it("an OP account without an email (scope openid only): email_not_found", async () => {
    const auth = setup(local.config({ scope: ["openid"] }));
    const flow = await signInAtOP(new Client(auth), {
      login: local.account().sub,
      body: { errorCallbackURL: "/signin-failed" },
    });
    await expectRefused(auth, flow, "email_not_found", { target: `${ORIGIN}/signin-failed` });
  });

  it("disableSignUp: a new OP account is refused with signup_disabled", async () => {
    const auth = setup(local.config({ disableSignUp: true }));
    const flow = await signInAtOP(new Client(auth), { login: local.account().sub });
    await expectRefused(auth, flow, "signup_disabled");
  });

  it("an off-site callbackURL, errorCallbackURL or newUserCallbackURL is refused before anything starts", async () => {
    const auth = setup();
    for (const body of [
      { callbackURL: "https://evil.example/done" },
      { errorCallbackURL: "//evil.example" },
      { newUserCallbackURL: "javascript:alert(1)" },
    ]) {
      const client = new Client(auth);
      const res = await client.post("/sign-in/social", { provider: "local", ...body });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("INVALID_CALLBACK_URL");
      expect(client.jar.get(TRANSACTION_COOKIE)).toBeUndefined();
    }
    expect(await auth.$context.adapter.count({ model: "verification" })).toBe(0);
  });

  it("the same steps untampered sign in (so each refusal above is about its tampering)", async () => {
    const auth = setup();
    const client = new Client(auth);
    const start = await startAt(client);
    const handBack = await authorizeAtOP(start.url, { login: local.account().sub });
    const { callback, final } = await deliver(client, { method: "GET", url: new URL(handBack.url).href });
    expect(errorOf(final)).toBeNull();
    expect(setsSession(callback)).toBe(true);
    expect(await counts(auth)).toEqual({ users: 1, accounts: 1, sessions: 1 });
  });
});

const HOSTILE = { clientId: "hostile-client", clientSecret: "hostile-secret" };

/** A hostile OIDC provider (the stand-in), and an auth instance that trusts it as "hostile". */
async function hostile(
  options: Omit<StandInOptions, "clientId" | "clientSecret" | "oidc">,
): Promise<{ stand: StandIn; auth: TestAuth }> {
  const stand = await startStandIn({ ...HOSTILE, oidc: true, ...options });
  const auth = setup({
    id: "hostile",
    name: "Hostile",
    type: "oidc",
    issuer: stand.url,
    ...HOSTILE,
    scope: ["openid", "email"],
  });
  return { stand, auth };
}

const CLAIMS = { sub: "victim", email: "victim@example.test", email_verified: true };

/**
 * Signs in through the stand-in. `idToken(nonce)` runs once the authorization request (and so
 * its nonce) is known, before the code is exchanged; what it returns is the token endpoint's
 * id_token.
 */
async function hostileSignIn(
  auth: TestAuth,
  idToken?: (nonce: string) => Promise<string>,
): Promise<Delivery> {
  const client = new Client(auth);
  const start = await startAt(client, { provider: "hostile", errorCallbackURL: "/signin-failed" });
  const authorization = new URL(start.url);
  if (idToken) forgedIdToken = await idToken(authorization.searchParams.get("nonce")!);
  const atProvider = await fetch(authorization, { redirect: "manual" });
  const location = new URL(atProvider.headers.get("location")!, authorization);
  return deliver(client, { method: "GET", url: location.href });
}

/** What the scripted token endpoint answers as id_token (set by hostileSignIn). */
let forgedIdToken = "";
const scriptedTokens: StandInOptions["tokenResponse"] = () => ({
  access_token: `at-${Math.random().toString(36).slice(2)}`,
  token_type: "Bearer",
  expires_in: 3600,
  id_token: forgedIdToken,
});

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

function idTokenClaims(stand: StandIn, nonce: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { ...CLAIMS, iss: stand.url, aud: HOSTILE.clientId, iat: now, exp: now + 600, nonce };
}

describe("ID token refusals against a hostile provider", () => {
  const refusedAt = { target: `${ORIGIN}/signin-failed` };

  it("a nonce that is not ours: invalid_id_token", async () => {
    const { stand, auth } = await hostile({ idTokenClaims: { ...CLAIMS, nonce: "other" } });
    try {
      await expectRefused(auth, await hostileSignIn(auth), "invalid_id_token", refusedAt);
    } finally {
      await stand.close();
    }
  });

  it("an expired ID token: invalid_id_token", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const { stand, auth } = await hostile({ idTokenClaims: { ...CLAIMS, iat: past - 600, exp: past } });
    try {
      await expectRefused(auth, await hostileSignIn(auth), "invalid_id_token", refusedAt);
    } finally {
      await stand.close();
    }
  });

  it("an ID token signed by another key under the provider's kid: invalid_id_token", async () => {
    const { stand, auth } = await hostile({ tokenResponse: scriptedTokens });
    try {
      const published = (await (await fetch(`${stand.url}/jwks`)).json()) as { keys: { kid: string }[] };
      const kid = published.keys[0]!.kid;
      const { privateKey, publicKey } = await generateKeyPair("RS256");
      expect((await exportJWK(publicKey)).n).not.toBe((published.keys[0] as { n?: string }).n);
      const delivery = await hostileSignIn(auth, (nonce) =>
        new SignJWT(idTokenClaims(stand, nonce)).setProtectedHeader({ alg: "RS256", kid }).sign(privateKey),
      );
      await expectRefused(auth, delivery, "invalid_id_token", refusedAt);
    } finally {
      await stand.close();
    }
  });

  it("an unsecured ID token (alg: none): invalid_id_token", async () => {
    const { stand, auth } = await hostile({ tokenResponse: scriptedTokens });
    try {
      const delivery = await hostileSignIn(
        auth,
        async (nonce) => `${b64({ alg: "none", typ: "JWT" })}.${b64(idTokenClaims(stand, nonce))}.`,
      );
      await expectRefused(auth, delivery, "invalid_id_token", refusedAt);
    } finally {
      await stand.close();
    }
  });

  it("the same scripted provider with a properly signed ID token signs in (so the refusals above are about the token)", async () => {
    const { stand, auth } = await hostile({ tokenResponse: scriptedTokens });
    try {
      const delivery = await hostileSignIn(auth, (nonce) => stand.signIdToken(idTokenClaims(stand, nonce)));
      expect(errorOf(delivery.final)).toBeNull();
      expect(setsSession(delivery.callback)).toBe(true);
      expect(await counts(auth)).toEqual({ users: 1, accounts: 1, sessions: 1 });
    } finally {
      await stand.close();
    }
  });
});

/**
 * Attack corpus, session fixation, over real HTTP: a session cookie planted in the victim's
 * browser before sign-in (the attacker's own real session, a validly shaped token signed with
 * another secret, an unsigned random token) is never adopted. Every sign-in method of both
 * dialects × every planted kind: the sign-in sets a new token, the planted token never becomes
 * the victim's session, and the new one is. JWT sessions (Auth.js format) likewise.
 */
import express from "express";
import { base64url } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { Keyring } from "../../src/crypto/signing.js";
import { ExpressAuth, type ExpressAuthConfig, getSession } from "../../src/express/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import Credentials from "../../src/providers/credentials.js";
import Email from "../../src/providers/email.js";
import GitHub from "../../src/providers/github.js";
import type { VerificationRequestParams } from "../../src/providers/types.js";
import { startServer, type TestServer, uniqueEmail } from "../helpers/http.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";
import {
  type Answer,
  CookieJar,
  corpusAuth,
  csrfToken,
  type Mailbox,
  PASSWORD,
  quietLogger,
  reportCount,
  send,
  serveBoth,
  signUp,
  TEST_SECRET,
} from "./support.js";

const SESSION = "gatehouse.session_token";
const OTHER_SECRET = "another-secret-zyxwvutsrqponmlkjihgfedcba9876543210";

let standIn: StandIn;
let auth: Auth;
let mail: Mailbox;
let srv: TestServer;
const magicLinks = new Map<string, string>();
const emailLinks: VerificationRequestParams[] = [];
const GITHUB_EMAIL = "fixation-gh@example.test";

beforeAll(async () => {
  standIn = await startStandIn({
    clientId: "gh-id",
    clientSecret: "gh-secret",
    tokenResponse: { token_type: "bearer", scope: "read:user,user:email" },
    routes: {
      "GET /user": { id: 777, login: "fixation", name: "Fixation", email: GITHUB_EMAIL, avatar_url: "" },
      "GET /user/emails": [{ email: GITHUB_EMAIL, primary: true, verified: true }],
    },
  });
  ({ auth, mail } = corpusAuth({
    providers: [
      GitHub({
        clientId: "gh-id",
        clientSecret: "gh-secret",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/user`,
      }),
      Credentials({
        credentials: { username: { label: "Username" } },
        authorize: async ({ username }) =>
          username === "victim"
            ? { id: "victim-cred", name: "Victim", email: "victim-cred@example.test" }
            : null,
      }),
      Email({ sendVerificationRequest: (params) => void emailLinks.push(params) }),
    ],
    emailVerification: { sendOnSignUp: true, autoSignInAfterVerification: true },
    plugins: [magicLink({ sendMagicLink: async ({ email, url }) => void magicLinks.set(email, url) })],
  }));
  srv = await serveBoth(auth);
});
afterAll(async () => {
  await srv.close();
  await standIn.close();
});

/** What an attacker can put in the victim's browser before the sign-in. */
interface Planted {
  label: string;
  value: () => Promise<string>;
}

let attacker: { email: string; value: string };

const PLANTED: Planted[] = [
  // A fresh one per case: the sign-in it is planted before ends it (see below).
  {
    label: "the attacker's own real session",
    value: async () => {
      const jar = new CookieJar();
      await json("/sign-in/email", { email: attacker.email, password: PASSWORD }, jar);
      return decodeURIComponent(jar.get(SESSION) ?? "");
    },
  },
  {
    label: "a validly shaped random token signed with another secret",
    value: async () =>
      new Keyring([OTHER_SECRET], "session-token").sign(
        base64url.encode(crypto.getRandomValues(new Uint8Array(32))),
      ),
  },
  {
    label: "an unsigned random token",
    value: async () => base64url.encode(crypto.getRandomValues(new Uint8Array(32))),
  },
  {
    label: "the attacker's token with a forged signature",
    value: async () => `${attacker.value.slice(0, attacker.value.lastIndexOf("."))}.${"A".repeat(43)}`,
  },
];

/** A sign-in method: runs it in `jar` (which holds the planted cookie); returns who should be signed in. */
interface Method {
  name: string;
  run(jar: CookieJar): Promise<{ email: string; answer: Answer }>;
}

const json = (path: string, body: unknown, jar: CookieJar) =>
  send(srv, `/api/auth${path}`, { json: body, headers: { origin: srv.url }, jar });

async function viaGitHub(jar: CookieJar, start: () => Promise<Answer>): Promise<Answer> {
  const started = await start();
  const authorize = started.location ?? started.json?.url;
  if (typeof authorize !== "string")
    throw new Error(`OAuth start answered ${started.status} ${started.text}`);
  const atProvider = await fetch(authorize, { redirect: "manual" });
  const back = new URL(atProvider.headers.get("location") ?? "");
  return send(srv, back.pathname + back.search, { jar });
}

const METHODS: Method[] = [
  {
    name: "JSON POST /sign-in/email",
    async run(jar) {
      const email = uniqueEmail("fx-si");
      await signUp(srv, email);
      return { email, answer: await json("/sign-in/email", { email, password: PASSWORD }, jar) };
    },
  },
  {
    name: "JSON POST /sign-up/email",
    async run(jar) {
      const email = uniqueEmail("fx-su");
      return { email, answer: await json("/sign-up/email", { name: "V", email, password: PASSWORD }, jar) };
    },
  },
  {
    name: "JSON magic link (POST /magic-link/verify)",
    async run(jar) {
      const email = uniqueEmail("fx-ml");
      await json("/sign-in/magic-link", { email }, jar);
      const token = new URL(magicLinks.get(email) ?? "http://x/").searchParams.get("token");
      const answer = await send(srv, "/api/auth/magic-link/verify", {
        json: { token },
        headers: { origin: srv.url, accept: "application/json" },
        jar,
      });
      return { email, answer };
    },
  },
  {
    name: "JSON GET /verify-email (autoSignInAfterVerification)",
    async run(jar) {
      const email = uniqueEmail("fx-ve");
      await signUp(srv, email);
      const link = mail.links(email).find((l) => l.includes("/verify-email?"));
      if (!link) throw new Error("no verification link");
      const url = new URL(link);
      return { email, answer: await send(srv, url.pathname + url.search, { jar }) };
    },
  },
  {
    name: "JSON POST /sign-in/social -> GitHub -> callback",
    async run(jar) {
      const answer = await viaGitHub(jar, () =>
        json("/sign-in/social", { provider: "github", callbackURL: "/" }, jar),
      );
      return { email: GITHUB_EMAIL, answer };
    },
  },
  {
    name: "browser POST /auth/callback/credentials",
    async run(jar) {
      const token = await csrfToken(srv, jar);
      const answer = await send(srv, "/auth/callback/credentials", {
        form: { csrfToken: token, username: "victim" },
        headers: { origin: srv.url },
        jar,
      });
      return { email: "victim-cred@example.test", answer };
    },
  },
  {
    name: "browser POST /auth/callback/password",
    async run(jar) {
      const email = uniqueEmail("fx-bpw");
      await signUp(srv, email);
      const token = await csrfToken(srv, jar);
      const answer = await send(srv, "/auth/callback/password", {
        form: { csrfToken: token, email, password: PASSWORD },
        headers: { origin: srv.url },
        jar,
      });
      return { email, answer };
    },
  },
  {
    name: "browser POST /auth/signup",
    async run(jar) {
      const email = uniqueEmail("fx-bsu");
      const token = await csrfToken(srv, jar);
      const answer = await send(srv, "/auth/signup", {
        form: { csrfToken: token, email, password: PASSWORD },
        headers: { origin: srv.url },
        jar,
      });
      return { email, answer };
    },
  },
  {
    name: "browser email link (POST /auth/callback/email)",
    async run(jar) {
      const email = uniqueEmail("fx-bem");
      const csrf = await csrfToken(srv, jar);
      await send(srv, "/auth/signin/email", {
        form: { csrfToken: csrf, email },
        headers: { origin: srv.url },
        jar,
      });
      const params = emailLinks.findLast((p) => p.identifier === email);
      const token = new URL(params?.url ?? "http://x/").searchParams.get("token") ?? "";
      const answer = await send(srv, "/auth/callback/email", {
        form: { csrfToken: csrf, token },
        headers: { origin: srv.url },
        jar,
      });
      return { email, answer };
    },
  },
  {
    name: "browser POST /auth/signin/github -> GitHub -> callback",
    async run(jar) {
      const csrf = await csrfToken(srv, jar);
      const answer = await viaGitHub(jar, () =>
        send(srv, "/auth/signin/github", { form: { csrfToken: csrf }, headers: { origin: srv.url }, jar }),
      );
      return { email: GITHUB_EMAIL, answer };
    },
  },
];

async function whoIs(value: string): Promise<string | null> {
  const answer = await send(srv, "/api/auth/get-session?disableCookieCache=true", {
    headers: { cookie: `${SESSION}=${encodeURIComponent(value)}` },
  });
  return answer.json?.user?.email ?? null;
}

describe("session fixation: every sign-in method × every planted cookie", () => {
  let cases = 0;

  beforeAll(async () => {
    const email = uniqueEmail("fx-attacker");
    const { jar } = await signUp(srv, email);
    attacker = { email, value: decodeURIComponent(jar.get(SESSION) ?? "") };
  });
  afterAll(() => reportCount("session-fixation", cases));

  for (const method of METHODS) {
    it(`${method.name}: the planted cookie is replaced by a new session and never becomes the victim's`, async () => {
      const failures: string[] = [];
      for (const planted of PLANTED) {
        cases += 1;
        const value = await planted.value();
        const jar = new CookieJar();
        jar.store([`${SESSION}=${encodeURIComponent(value)}; Path=/`]);
        const { email, answer } = await method.run(jar);
        const issued = answer.setCookies.find((c) => c.startsWith(`${SESSION}=`) && !/max-age=0/i.test(c));
        const now = decodeURIComponent(jar.get(SESSION) ?? "");
        if (!issued)
          failures.push(
            `${planted.label}: no new session cookie (${answer.status} ${answer.location ?? ""})`,
          );
        else if (now === value) failures.push(`${planted.label}: the planted value was kept`);
        else if ((await whoIs(now)) !== email)
          failures.push(`${planted.label}: the new cookie is not the victim's`);
        const plantedIs = await whoIs(value);
        if (plantedIs === email)
          failures.push(`${planted.label}: the planted token became the victim's session`);
        // The browser's previous session ends at sign-in (ASVS 7.2.4), so a planted real session
        // is no one's afterwards: neither upgraded to the victim nor left live beside the new one.
        if (planted.label.startsWith("the attacker's own real") && plantedIs !== null)
          failures.push(`${planted.label}: the planted session is still live (${plantedIs})`);
      }
      expect(failures).toEqual([]);
    });
  }

  it("signing in again in a browser that is already signed in as the same user issues another token", async () => {
    cases += 1;
    const email = uniqueEmail("fx-again");
    const { jar } = await signUp(srv, email);
    const before = jar.get(SESSION);
    const again = await json("/sign-in/email", { email, password: PASSWORD }, jar);
    expect(again.status).toBe(200);
    expect(jar.get(SESSION)).not.toBe(before);
    expect(await whoIs(decodeURIComponent(jar.get(SESSION) ?? ""))).toBe(email);
    expect(await whoIs(decodeURIComponent(before ?? ""))).toBeNull();
  });
});

describe("session fixation with JWT sessions (Auth.js format)", () => {
  let jwtSrv: TestServer;
  let config: ExpressAuthConfig;
  const COOKIE = "authjs.session-token";

  beforeAll(async () => {
    config = {
      secret: TEST_SECRET,
      logger: quietLogger,
      rateLimit: { enabled: false },
      providers: [
        Credentials({
          credentials: { username: { label: "Username" } },
          authorize: async ({ username }) =>
            username === "victim" || username === "attacker"
              ? { id: `${username}-jwt`, name: String(username), email: `${username}-jwt@example.test` }
              : null,
        }),
      ],
    };
    const app = express();
    app.use("/auth", ExpressAuth(config));
    app.get("/me", async (req, res) => {
      res.json(await getSession(req, config));
    });
    jwtSrv = await startServer(app);
  });
  afterAll(() => jwtSrv.close());

  async function signIn(username: string, jar: CookieJar): Promise<Answer> {
    const token = await csrfToken(jwtSrv, jar);
    return send(jwtSrv, "/auth/callback/credentials", {
      form: { csrfToken: token, username },
      headers: { origin: jwtSrv.url },
      jar,
    });
  }

  it("a planted JWT (the attacker's real one, or garbage) is replaced by the victim's own on sign-in", async () => {
    const attackerJar = new CookieJar();
    await signIn("attacker", attackerJar);
    const attackerJWT = attackerJar.get(COOKIE) ?? "";
    expect(attackerJWT).not.toBe("");
    for (const planted of [attackerJWT, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ2aWN0aW0tand0In0."]) {
      const jar = new CookieJar();
      jar.store([`${COOKIE}=${planted}`]);
      const answer = await signIn("victim", jar);
      expect(answer.status).toBe(302);
      expect(jar.get(COOKIE)).not.toBe(planted);
      const me = await send(jwtSrv, "/me", { headers: { cookie: `${COOKIE}=${jar.get(COOKIE)}` } });
      expect(me.json?.user?.email).toBe("victim-jwt@example.test");
      // The attacker's copy is still only the attacker.
      const theirs = await send(jwtSrv, "/me", { headers: { cookie: `${COOKIE}=${planted}` } });
      expect(theirs.json?.user?.email ?? null).not.toBe("victim-jwt@example.test");
    }
  });
});

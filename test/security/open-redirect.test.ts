/**
 * Attack corpus, open redirects: every URL parameter of both dialects × every payload of
 * redirect-payloads.ts, over real HTTP. A payload must be refused (JSON API: 403 with the
 * parameter's code) or replaced by the safe default (browser routes: the site's root, as
 * Auth.js does); a redirect, `{ url }` or emailed link must never lead off the trusted origins.
 * Every parameter also gets safe targets that it must accept, so a refusal means something.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import Credentials from "../../src/providers/credentials.js";
import Email from "../../src/providers/email.js";
import GitHub from "../../src/providers/github.js";
import type { VerificationRequestParams } from "../../src/providers/types.js";
import { formPostingTo } from "../helpers/auth-browser.js";
import { type TestServer, uniqueEmail } from "../helpers/http.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";
import { REDIRECT_PAYLOADS, type RedirectPayload, SAFE_TARGETS } from "./redirect-payloads.js";
import {
  type Answer,
  CookieJar,
  corpusAuth,
  csrfToken,
  inBatches,
  loggedErrors,
  PASSWORD,
  reportCount,
  send,
  serveBoth,
  signUp,
  staysTrusted,
} from "./support.js";

let standIn: StandIn;
let auth: Auth;
let srv: TestServer;
const magicLinks: { email: string; url: string }[] = [];
const emailLinks: VerificationRequestParams[] = [];
/** What `callbacks.signIn` answers for the credentials user "redirector" (set per case). */
let signInVerdict: string | undefined;

beforeAll(async () => {
  standIn = await startStandIn({
    clientId: "gh-id",
    clientSecret: "gh-secret",
    tokenResponse: { token_type: "bearer", scope: "read:user,user:email" },
    routes: {
      "GET /user": {
        id: 4242,
        login: "corpus",
        name: "Corpus",
        email: "corpus-gh@example.test",
        avatar_url: "",
      },
      "GET /user/emails": [{ email: "corpus-gh@example.test", primary: true, verified: true }],
    },
  });
  ({ auth } = corpusAuth({
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
          username === "ada" || username === "redirector"
            ? { id: `${username}-1`, name: String(username), email: `${username}@example.test` }
            : null,
      }),
      Email({ sendVerificationRequest: (params) => void emailLinks.push(params) }),
    ],
    callbacks: {
      signIn: ({ user }) =>
        user.name === "redirector" && signInVerdict !== undefined ? signInVerdict : true,
    },
    plugins: [magicLink({ sendMagicLink: async ({ email, url }) => void magicLinks.push({ email, url }) })],
  }));
  srv = await serveBoth(auth);
});
afterAll(async () => {
  await srv.close();
  await standIn.close();
});

/** Every string in an answer that a client would follow: the Location and a JSON `url`. */
function followed(answer: Answer): string[] {
  const out: string[] = [];
  if (answer.location !== null) out.push(answer.location);
  if (typeof answer.json?.url === "string") out.push(answer.json.url);
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON API (Better Auth dialect): refusals are 403 with the parameter's code.
// ---------------------------------------------------------------------------------------------

interface JsonParameter {
  name: string;
  /** The code of a refusal (403). */
  code: string;
  run(target: string): Promise<Answer>;
  /** URLs in an accepted answer that are not ours to judge (the provider's authorization URL). */
  ignoreJsonUrl?: boolean;
}

let session: CookieJar;
const origin = () => ({ origin: srv.url });
const json = (path: string, body: Record<string, unknown>, jar?: CookieJar) =>
  send(srv, `/api/auth${path}`, { json: body, headers: origin(), jar });
const get = (path: string, query: Record<string, string>) =>
  send(srv, `/api/auth${path}?${new URLSearchParams(query)}`);

const JSON_PARAMETERS: JsonParameter[] = [
  {
    name: "POST /sign-up/email callbackURL",
    code: "INVALID_CALLBACK_URL",
    run: (t) =>
      json("/sign-up/email", { name: "R", email: uniqueEmail("or-su"), password: PASSWORD, callbackURL: t }),
  },
  {
    name: "POST /sign-in/email callbackURL",
    code: "INVALID_CALLBACK_URL",
    run: (t) =>
      json("/sign-in/email", { email: "or-existing@example.test", password: PASSWORD, callbackURL: t }),
  },
  {
    name: "POST /sign-in/social callbackURL",
    code: "INVALID_CALLBACK_URL",
    ignoreJsonUrl: true,
    run: (t) => json("/sign-in/social", { provider: "github", callbackURL: t }),
  },
  {
    name: "POST /sign-in/social errorCallbackURL",
    code: "INVALID_CALLBACK_URL",
    ignoreJsonUrl: true,
    run: (t) => json("/sign-in/social", { provider: "github", errorCallbackURL: t }),
  },
  {
    name: "POST /sign-in/social newUserCallbackURL",
    code: "INVALID_CALLBACK_URL",
    ignoreJsonUrl: true,
    run: (t) => json("/sign-in/social", { provider: "github", newUserCallbackURL: t }),
  },
  {
    name: "POST /sign-in/social (idToken) callbackURL",
    code: "INVALID_CALLBACK_URL",
    run: (t) => json("/sign-in/social", { provider: "github", idToken: { token: "x.y.z" }, callbackURL: t }),
  },
  {
    name: "POST /link-social callbackURL",
    code: "INVALID_CALLBACK_URL",
    ignoreJsonUrl: true,
    run: (t) => json("/link-social", { provider: "github", callbackURL: t }, session),
  },
  {
    name: "POST /link-social errorCallbackURL",
    code: "INVALID_CALLBACK_URL",
    ignoreJsonUrl: true,
    run: (t) => json("/link-social", { provider: "github", errorCallbackURL: t }, session),
  },
  {
    name: "POST /change-email callbackURL",
    code: "INVALID_CALLBACK_URL",
    run: (t) => json("/change-email", { newEmail: uniqueEmail("or-ce"), callbackURL: t }, session),
  },
  {
    name: "POST /delete-user callbackURL (wrong password: never deletes)",
    code: "INVALID_CALLBACK_URL",
    run: (t) => json("/delete-user", { password: "not the password", callbackURL: t }, session),
  },
  {
    name: "POST /request-password-reset redirectTo",
    code: "INVALID_REDIRECT_URL",
    run: (t) => json("/request-password-reset", { email: "or-existing@example.test", redirectTo: t }),
  },
  {
    name: "GET /reset-password/:token callbackURL",
    code: "INVALID_CALLBACK_URL",
    run: (t) => get("/reset-password/not-a-real-token", { callbackURL: t }),
  },
  {
    name: "GET /verify-email callbackURL",
    code: "INVALID_CALLBACK_URL",
    run: (t) => get("/verify-email", { token: "not-a-real-token", callbackURL: t }),
  },
  {
    name: "POST /send-verification-email callbackURL",
    code: "INVALID_CALLBACK_URL",
    run: (t) => json("/send-verification-email", { email: "or-existing@example.test", callbackURL: t }),
  },
  ...(["callbackURL", "newUserCallbackURL", "errorCallbackURL"] as const).flatMap((field) => {
    const code = {
      callbackURL: "INVALID_CALLBACK_URL",
      newUserCallbackURL: "INVALID_NEW_USER_CALLBACK_URL",
      errorCallbackURL: "INVALID_ERROR_CALLBACK_URL",
    }[field];
    return [
      {
        name: `POST /sign-in/magic-link ${field}`,
        code,
        run: (t: string) => json("/sign-in/magic-link", { email: uniqueEmail("or-ml"), [field]: t }),
      },
      {
        name: `GET /magic-link/verify ${field}`,
        code,
        run: (t: string) => get("/magic-link/verify", { token: "not-a-real-token-0123456789", [field]: t }),
      },
      {
        name: `POST /magic-link/verify ${field}`,
        code,
        run: (t: string) =>
          send(srv, "/api/auth/magic-link/verify", {
            form: { token: "not-a-real-token-0123456789", [field]: t },
            headers: { origin: srv.url, accept: "text/html" },
          }),
      },
    ];
  }),
];

describe("open redirects: JSON API parameters", () => {
  beforeAll(async () => {
    await signUp(srv, "or-existing@example.test");
    ({ jar: session } = await signUp(srv, uniqueEmail("or-session")));
  });

  let cases = 0;
  afterAll(() => reportCount("open-redirect / JSON API", cases));

  for (const parameter of JSON_PARAMETERS) {
    it(`${parameter.name}: every attack is refused with 403 ${parameter.code}; safe targets pass`, async () => {
      const failures: string[] = [];
      await inBatches(REDIRECT_PAYLOADS, 8, async (payload) => {
        cases += 1;
        const target = payload.value(srv.url);
        const answer = await parameter.run(target);
        const problem = judgeJson(parameter, payload, target, answer);
        if (problem) failures.push(`${payload.label} ${JSON.stringify(target).slice(0, 80)}: ${problem}`);
      });
      for (const safe of SAFE_TARGETS) {
        cases += 1;
        const answer = await parameter.run(safe.value(srv.url));
        if (answer.status === 403 || answer.status >= 500)
          failures.push(`safe target (${safe.label}) refused: ${answer.status} ${answer.text.slice(0, 120)}`);
      }
      if (failures.length) console.log(`FAILURES ${parameter.name}\n${failures.join("\n")}`);
      expect(failures).toEqual([]);
    });
  }

  it("no accepted payload reached a mail as a link parameter off the trusted origins", () => {
    for (const link of [...magicLinks.map((m) => m.url)]) {
      const url = new URL(link);
      for (const key of ["callbackURL", "newUserCallbackURL", "errorCallbackURL"]) {
        const value = url.searchParams.get(key);
        if (value !== null) expect(staysTrusted(value, srv), `${key}=${value}`).toBe(true);
      }
    }
    expect(magicLinks.length).toBeGreaterThan(0);
  });
});

function judgeJson(
  parameter: JsonParameter,
  payload: RedirectPayload,
  target: string,
  answer: Answer,
): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status === 403 && answer.json?.code === parameter.code) return undefined;
  if (target.length > 2048) {
    return answer.status === 400 && answer.json?.code === "VALIDATION_ERROR"
      ? undefined
      : `too long, expected 400 VALIDATION_ERROR, got ${answer.status}`;
  }
  if (payload.kind === "attack")
    return `expected 403 ${parameter.code}, got ${answer.status} ${answer.text.slice(0, 120)}`;
  for (const url of followed(answer)) {
    if (parameter.ignoreJsonUrl && url === answer.json?.url) continue;
    if (!staysTrusted(url, srv)) return `leads to ${url}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Browser routes (Auth.js dialect): an unsafe callbackUrl becomes the site's root.
// ---------------------------------------------------------------------------------------------

interface BrowserParameter {
  name: string;
  /**
   * False where Gatehouse reads no URL from this place at all (always the site's root): the
   * safe targets then land on the root too.
   */
  honoured?: false;
  /** Runs the flow with `target` as the callback URL; returns the answer whose redirect is judged. */
  run(target: string): Promise<Answer>;
}

/** A browser with a CSRF token. */
async function browser(): Promise<{ jar: CookieJar; csrf: string }> {
  const jar = new CookieJar();
  return { jar, csrf: await csrfToken(srv, jar) };
}
const post = (
  path: string,
  jar: CookieJar,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) => {
  const url = new URL(path, srv.url);
  return send(srv, url.pathname + url.search, { form, jar, headers: { origin: srv.url, ...headers } });
};

/** Sends an email sign-in link and returns its token. */
async function emailToken(target: string): Promise<{ token: string; link: URL }> {
  const { jar, csrf } = await browser();
  const email = uniqueEmail("or-em");
  const sent = await post("/auth/signin/email", jar, { csrfToken: csrf, email, callbackUrl: target });
  if (sent.status !== 302) throw new Error(`email sign-in answered ${sent.status}`);
  const params = emailLinks.findLast((p) => p.identifier === email);
  if (!params) throw new Error("no email link");
  const link = new URL(params.url);
  return { token: link.searchParams.get("token") ?? "", link };
}

const BROWSER_PARAMETERS: BrowserParameter[] = [
  {
    name: "POST /auth/callback/credentials callbackUrl",
    async run(t) {
      const { jar, csrf } = await browser();
      return post("/auth/callback/credentials", jar, { csrfToken: csrf, username: "ada", callbackUrl: t });
    },
  },
  {
    name: "POST /auth/callback/password (built-in email + password) callbackUrl",
    async run(t) {
      const { jar, csrf } = await browser();
      return post("/auth/callback/password", jar, {
        csrfToken: csrf,
        email: "or-existing@example.test",
        password: PASSWORD,
        callbackUrl: t,
      });
    },
  },
  {
    name: "POST /auth/signup callbackUrl",
    async run(t) {
      const { jar, csrf } = await browser();
      return post("/auth/signup", jar, {
        csrfToken: csrf,
        email: uniqueEmail("or-bsu"),
        password: PASSWORD,
        callbackUrl: t,
      });
    },
  },
  {
    name: "POST /auth/signout callbackUrl (body)",
    async run(t) {
      const { jar, csrf } = await browser();
      return post("/auth/signout", jar, { csrfToken: csrf, callbackUrl: t });
    },
  },
  {
    name: "POST /auth/signout?callbackUrl= (query)",
    honoured: false,
    async run(t) {
      const { jar, csrf } = await browser();
      return post(`/auth/signout?${new URLSearchParams({ callbackUrl: t })}`, jar, { csrfToken: csrf });
    },
  },
  {
    name: "POST /auth/signout with X-Auth-Return-Redirect ({ url })",
    async run(t) {
      const { jar, csrf } = await browser();
      return post(
        "/auth/signout",
        jar,
        { csrfToken: csrf, callbackUrl: t },
        { "x-auth-return-redirect": "1" },
      );
    },
  },
  {
    name: "callback-url cookies (authjs.callback-url, gatehouse.callback-url) on POST /auth/signout",
    honoured: false,
    async run(t) {
      const { jar, csrf } = await browser();
      const cookie = `${jar.header()}; authjs.callback-url=${encodeURIComponent(t)}; gatehouse.callback-url=${encodeURIComponent(t)}`;
      return send(srv, "/auth/signout", {
        form: { csrfToken: csrf },
        headers: { origin: srv.url, cookie },
      });
    },
  },
  {
    name: "GET /auth/signout?callbackUrl= -> the page's form -> POST",
    async run(t) {
      const jar = new CookieJar();
      const page = await send(srv, `/auth/signout?${new URLSearchParams({ callbackUrl: t })}`, { jar });
      const form = formPostingTo(page.text, `${srv.url}/auth/signout`);
      return post(form.action, jar, form.fields);
    },
  },
  {
    name: "GET /auth/signin?callbackUrl= -> the credentials form -> POST",
    async run(t) {
      const jar = new CookieJar();
      const page = await send(srv, `/auth/signin?${new URLSearchParams({ callbackUrl: t })}`, { jar });
      const form = formPostingTo(page.text, `${srv.url}/auth/callback/credentials`);
      return post(form.action, jar, { ...form.fields, username: "ada" });
    },
  },
  {
    name: "POST /auth/signin/email callbackUrl -> the emailed link's callbackUrl",
    async run(t) {
      const { link } = await emailToken(t);
      const carried = link.searchParams.get("callbackURL") ?? link.searchParams.get("callbackUrl");
      // Judged like a redirect: the link names where the browser goes after the sign-in.
      return fakeRedirect(carried ?? "(none)");
    },
  },
  {
    name: "GET /auth/callback/email?callbackUrl= -> the confirmation form -> POST",
    async run(t) {
      const { token } = await emailToken("/");
      const jar = new CookieJar();
      const query = new URLSearchParams({ token, callbackUrl: t });
      const page = await send(srv, `/auth/callback/email?${query}`, { jar });
      const form = formPostingTo(page.text, `${srv.url}/auth/callback/email`);
      return post(form.action, jar, form.fields);
    },
  },
  {
    name: "POST /auth/callback/email callbackUrl",
    async run(t) {
      const { token } = await emailToken("/");
      const { jar, csrf } = await browser();
      return post("/auth/callback/email", jar, { csrfToken: csrf, token, callbackUrl: t });
    },
  },
  {
    name: "POST /auth/signin/github callbackUrl -> provider -> callback",
    async run(t) {
      const { jar, csrf } = await browser();
      const start = await post("/auth/signin/github", jar, { csrfToken: csrf, callbackUrl: t });
      if (start.status !== 302 || !start.location?.startsWith(standIn.authorizeURL))
        throw new Error(`OAuth start answered ${start.status} ${start.location}`);
      const atProvider = await fetch(start.location, { redirect: "manual" });
      const back = new URL(atProvider.headers.get("location") ?? "");
      return send(srv, back.pathname + back.search, { jar });
    },
  },
  {
    name: "callbacks.signIn returning the URL (credentials)",
    async run(t) {
      signInVerdict = t;
      const { jar, csrf } = await browser();
      return post("/auth/callback/credentials", jar, { csrfToken: csrf, username: "redirector" });
    },
  },
];

/** An answer standing for a URL handed to the browser by other means (a link in a mail). */
function fakeRedirect(url: string): Answer {
  return {
    status: 302,
    headers: new Headers(),
    rawHeaders: [],
    setCookies: [],
    text: "",
    json: undefined,
    location: url,
  };
}

describe("open redirects: browser-route parameters", () => {
  beforeAll(async () => {
    await signUp(srv, "or-existing@example.test").catch(() => undefined);
  });

  let cases = 0;
  afterAll(() => reportCount("open-redirect / browser routes", cases));

  for (const parameter of BROWSER_PARAMETERS) {
    it(`${parameter.name}: every attack lands on the site's root; safe targets are kept`, async () => {
      const failures: string[] = [];
      // callbacks.signIn reads a shared verdict, so that parameter runs one case at a time.
      const width = parameter.name.startsWith("callbacks.signIn") ? 1 : 6;
      await inBatches(REDIRECT_PAYLOADS, width, async (payload) => {
        cases += 1;
        const target = payload.value(srv.url);
        const answer = await parameter.run(target);
        const where = followed(answer)[0];
        const label = `${payload.label} ${JSON.stringify(target).slice(0, 80)}`;
        if (where === undefined) failures.push(`${label}: no redirect (${answer.status})`);
        else if (!staysTrusted(where, srv)) failures.push(`${label}: leads to ${where}`);
        else if (payload.kind === "attack" && !isSiteRoot(where))
          failures.push(`${label}: expected the site's root, got ${where}`);
      });
      for (const safe of SAFE_TARGETS) {
        cases += 1;
        const target = safe.value(srv.url);
        const answer = await parameter.run(target);
        const where = followed(answer)[0];
        const expected = parameter.honoured === false ? `${srv.url}/` : new URL(target, srv.url).href;
        if (where === undefined || new URL(where, srv.url).href !== expected)
          failures.push(`safe target (${safe.label}) not kept: ${answer.status} -> ${where}`);
      }
      signInVerdict = undefined;
      if (failures.length) console.log(`FAILURES ${parameter.name}\n${failures.join("\n")}`);
      expect(failures).toEqual([]);
    });
  }
});

function isSiteRoot(url: string): boolean {
  const parsed = new URL(url, srv.url);
  return parsed.origin === srv.url && parsed.pathname === "/" && parsed.search === "";
}

describe("open redirects: nothing went wrong on the way", () => {
  it("no request of this file was an unexpected server error", () => {
    expect(loggedErrors).toEqual([]);
  });
});

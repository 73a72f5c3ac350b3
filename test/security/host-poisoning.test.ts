/**
 * Host header poisoning of mailed links. Without `baseURL`, the origin of a request comes from
 * its Host header, which the sender chooses. A password reset (or verification, email change,
 * magic link) asked for a victim with `Host: evil.example` would mail the victim a link to
 * evil.example, and the token in it to whoever runs that host. Mailed links are therefore made
 * only on an origin the app vouches for: `baseURL`, `trustHost`, a trusted origin, or a
 * loopback host; anything else is 400 UNTRUSTED_HOST, with no mail and no token made.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import Email from "../../src/providers/email.js";
import type { TestServer } from "../helpers/http.js";
import { uniqueEmail } from "../helpers/http.js";
import {
  CookieJar,
  corpusAuth,
  csrfToken,
  type Mailbox,
  PASSWORD,
  send,
  serveBoth,
  signUp,
} from "./support.js";

const EVIL = "evil.example";

/** Every mailed-link request of both dialects, as a victim's address and the attacker's Host. */
const MAILERS: { name: string; run: (srv: TestServer, email: string, host: string) => Promise<number> }[] = [
  {
    name: "POST /request-password-reset",
    run: async (srv, email, host) =>
      (await send(srv, "/api/auth/request-password-reset", { json: { email }, headers: { host } })).status,
  },
  {
    name: "POST /send-verification-email",
    run: async (srv, email, host) =>
      (await send(srv, "/api/auth/send-verification-email", { json: { email }, headers: { host } })).status,
  },
  {
    name: "POST /sign-in/magic-link",
    run: async (srv, email, host) =>
      (await send(srv, "/api/auth/sign-in/magic-link", { json: { email }, headers: { host } })).status,
  },
  {
    name: "browser POST /auth/signin/email (Email provider)",
    run: async (srv, email, host) => {
      const jar = new CookieJar();
      const csrf = await csrfToken(srv, jar);
      const answer = await send(srv, "/auth/signin/email", {
        form: { csrfToken: csrf, email },
        headers: { host, origin: `http://${host}` },
        jar,
      });
      return answer.status;
    },
  },
];

describe("mailed links never point at a Host the app did not vouch for", () => {
  let srv: TestServer;
  let mail: Mailbox;
  let tokens: () => Promise<number>;

  beforeAll(async () => {
    const made = corpusAuth({
      emailVerification: { sendOnSignUp: false },
      providers: [Email({})],
      plugins: [
        magicLink({
          sendMagicLink: async ({ email, url }) =>
            void made.mail.messages.push({ to: email, subject: "link", text: url, html: url }),
        }),
      ],
    });
    mail = made.mail;
    tokens = async () => (await made.auth.$context.store.findMany("verification", [])).length;
    srv = await serveBoth(made.auth);
  });
  afterAll(() => srv.close());

  for (const mailer of MAILERS) {
    it(`${mailer.name} with Host: ${EVIL} is refused: no mail, no token`, async () => {
      const email = uniqueEmail("host-victim");
      await signUp(srv, email);
      const before = await tokens();
      const status = await mailer.run(srv, email, EVIL);
      // The browser route answers its errors with a redirect to the error page; the JSON API 400.
      expect([400, 302]).toContain(status);
      expect(mail.links(email).filter((l) => new URL(l).hostname === EVIL)).toEqual([]);
      expect(mail.links(email)).toEqual([]);
      expect(await tokens()).toBe(before);
    });
  }

  it("the JSON answer names the problem: 400 UNTRUSTED_HOST, the same for an unknown email", async () => {
    const known = uniqueEmail("host-known");
    await signUp(srv, known);
    for (const email of [known, uniqueEmail("host-unknown")]) {
      const answer = await send(srv, "/api/auth/request-password-reset", {
        json: { email },
        headers: { host: EVIL },
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: "UNTRUSTED_HOST" });
    }
  });

  it("a loopback Host (development) still gets its links", async () => {
    const email = uniqueEmail("host-local");
    await signUp(srv, email);
    expect(await MAILERS[0]!.run(srv, email, "localhost:3000")).toBe(200);
    expect(new URL(mail.links(email)[0]!).host).toBe("localhost:3000");
  });
});

describe("origins the app vouches for", () => {
  it("baseURL: links use it, whatever Host the request names", async () => {
    const { auth, mail } = corpusAuth({ baseURL: "https://app.example" });
    const srv = await serveBoth(auth);
    try {
      // The server's own URL is not the configured origin, so sign up through auth.api.
      const email = uniqueEmail("host-base");
      await auth.api.signUpEmail({ body: { name: "B", email, password: PASSWORD } });
      const answer = await send(srv, "/api/auth/request-password-reset", {
        json: { email },
        headers: { host: EVIL },
      });
      expect(answer.status).toBe(200);
      expect(new URL(mail.links(email)[0]!).origin).toBe("https://app.example");
    } finally {
      await srv.close();
    }
  });

  it("trustedOrigins: a Host listed there gets links on itself", async () => {
    const { auth, mail } = corpusAuth({ trustedOrigins: ["http://app.example"] });
    const srv = await serveBoth(auth);
    try {
      const email = uniqueEmail("host-trusted");
      await signUp(srv, email);
      const answer = await send(srv, "/api/auth/request-password-reset", {
        json: { email },
        headers: { host: "app.example" },
      });
      expect(answer.status).toBe(200);
      expect(new URL(mail.links(email)[0]!).origin).toBe("http://app.example");
    } finally {
      await srv.close();
    }
  });
});

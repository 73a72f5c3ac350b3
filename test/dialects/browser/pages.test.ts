import { describe, expect, it } from "vitest";
import {
  type RenderedPage,
  type SignInProvider,
  pageResponse,
  renderConfirmPage,
  renderErrorPage,
  renderSignInPage,
  renderSignOutPage,
  renderVerifyRequestPage,
} from "../../../src/dialects/browser/pages/index.js";

const NONCE = "bm9uY2UtZm9yLXRlc3RzLTEyMzQ";
const CSRF = "csrf-token-value-123";

const GITHUB: SignInProvider = {
  id: "github",
  name: "GitHub",
  type: "oauth",
  signinURL: "/auth/signin/github",
  style: { logo: "https://authjs.dev/img/providers/github.svg", bg: "#24292f", text: "#ffffff" },
};
const EMAIL: SignInProvider = {
  id: "nodemailer",
  name: "Email",
  type: "email",
  signinURL: "/auth/signin/nodemailer",
};
const CREDENTIALS: SignInProvider = {
  id: "credentials",
  name: "Credentials",
  type: "credentials",
  signinURL: "/auth/signin/credentials",
  callbackURL: "/auth/callback/credentials",
  credentials: {
    username: { label: "Username" },
    password: { label: "Password", type: "password" },
  },
};

function signIn(overrides: Partial<Parameters<typeof renderSignInPage>[0]> = {}): RenderedPage {
  return renderSignInPage({
    appName: "Acme",
    providers: [GITHUB, EMAIL, CREDENTIALS],
    csrfToken: CSRF,
    callbackUrl: "/dashboard",
    signUp: { action: "/api/auth/sign-up/email" },
    theme: { colorScheme: "auto" },
    nonce: NONCE,
    ...overrides,
  });
}

/** Every page, each with hostile input wherever the props take some. */
function allPages(): Record<string, RenderedPage> {
  const hostile = `"><script>alert(1)</script><img src=x onerror=alert(1) style="x`;
  const theme = { colorScheme: "dark" as const, logo: "javascript:alert(1)", brandColor: hostile };
  return {
    signIn: signIn({
      appName: hostile,
      error: hostile,
      email: hostile,
      callbackUrl: hostile,
      csrfToken: hostile,
      theme,
      providers: [
        { ...GITHUB, name: hostile, style: { logo: hostile, bg: hostile, text: hostile } },
        { ...EMAIL, name: hostile },
        {
          ...CREDENTIALS,
          credentials: { [hostile]: { label: hostile, placeholder: hostile, type: hostile } },
        },
      ],
    }),
    signInWithError: signIn({ error: "CredentialsSignin" }),
    signOut: renderSignOutPage({
      appName: hostile,
      csrfToken: hostile,
      callbackUrl: hostile,
      theme,
      nonce: NONCE,
      action: "/auth/signout",
    }),
    error: renderErrorPage({ appName: hostile, error: hostile, theme, nonce: NONCE, signInURL: hostile }),
    errorVerification: renderErrorPage({
      appName: "Acme",
      error: "Verification",
      nonce: NONCE,
      signInURL: "/auth/signin",
    }),
    verifyRequest: renderVerifyRequestPage({ appName: hostile, theme, nonce: NONCE, url: hostile }),
    confirm: renderConfirmPage({
      appName: hostile,
      theme,
      nonce: NONCE,
      action: "/auth/callback/nodemailer",
      hidden: { token: hostile, csrfToken: CSRF, [hostile]: "x" },
      email: hostile,
    }),
  };
}

function forms(html: string): string[] {
  return html.match(/<form\b[\s\S]*?<\/form>/g) ?? [];
}

function inputs(html: string): string[] {
  return html.match(/<input\b[^>]*>/g) ?? [];
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function formByAction(html: string, action: string): string {
  const form = forms(html).find((candidate) => attr(candidate, "action") === action);
  if (form === undefined) throw new Error(`no form posting to ${action}`);
  return form;
}

function hiddenValue(form: string, name: string): string | undefined {
  const input = inputs(form).find((tag) => attr(tag, "type") === "hidden" && attr(tag, "name") === name);
  return input === undefined ? undefined : attr(input, "value");
}

describe("every page", () => {
  const pages = allPages();

  it.each(Object.keys(pages))(
    "%s has no script, no event handler attribute and no style attribute",
    (key) => {
      const html = pages[key]!.html;
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/style="/i);
      // Hostile input shows up as escaped text; no real tag may carry a handler or a javascript: URL.
      const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
      expect(tags.length).toBeGreaterThan(10);
      for (const tag of tags) {
        // Every attribute is double-quoted (a quote inside a value is escaped), so this grammar
        // reads a tag exactly; an injected attribute would either break it or show up by name.
        expect(tag).toMatch(/^<[a-z0-9]+(\s[a-z-]+(="[^"]*")?)*>$/);
        for (const [, name, value] of tag.matchAll(/\s([a-z-]+)(?:="([^"]*)")?/g)) {
          expect(name, tag).not.toMatch(/^on/);
          expect(name, tag).not.toBe("style");
          if (name === "href" || name === "src" || name === "action") {
            expect(value, tag).toMatch(/^(\/(?![/\\])|https?:\/\/)/);
          }
        }
      }
    },
  );

  it.each(Object.keys(pages))("%s labels every visible input, with unique ids", (key) => {
    const html = pages[key]!.html;
    const ids = new Set<string>();
    for (const input of inputs(html)) {
      if (attr(input, "type") === "hidden") continue;
      const id = attr(input, "id");
      expect(id, input).toBeDefined();
      expect(ids.has(id!), `duplicate id ${id}`).toBe(false);
      ids.add(id!);
      expect(html).toContain(`<label for="${id}">`);
    }
  });

  it.each(Object.keys(pages))("%s carries a CSP whose nonce is the style element's", (key) => {
    const page = pages[key]!;
    const csp = page.headers["content-security-policy"]!;
    expect(csp).toContain(`style-src 'nonce-${NONCE}'`);
    const styles = page.html.match(/<style\b[^>]*>/g) ?? [];
    expect(styles).toEqual([`<style nonce="${NONCE}">`]);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.headers["cache-control"]).toBe("no-store");
  });

  it.each(Object.keys(pages))("%s has a lang attribute, one h1 and a focus style", (key) => {
    const html = pages[key]!.html;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html.match(/<h1\b/g)).toHaveLength(1);
    expect(html).toMatch(/:focus-visible\{outline:3px solid/);
  });

  it.each(Object.keys(pages))("%s posts a CSRF token in every form that signs in or out", (key) => {
    for (const form of forms(pages[key]!.html)) {
      expect(hiddenValue(form, "csrfToken"), form).toBeDefined();
    }
  });

  it("drops a javascript: logo and ignores an invalid brand colour", () => {
    for (const page of Object.values(pages)) {
      expect(page.html).not.toContain('class="logo"');
      expect(page.html).toContain("--brand:#2557d6;--brand-text:#ffffff");
    }
  });

  it("refuses an invalid nonce", () => {
    expect(() => signIn({ nonce: `${NONCE}"><script>` })).toThrow(TypeError);
    expect(() =>
      renderErrorPage({ appName: "Acme", nonce: "x", error: "Configuration", signInURL: "/auth/signin" }),
    ).toThrow(TypeError);
  });

  it("pageResponse carries the status, headers and body", async () => {
    const page = renderErrorPage({ appName: "Acme", nonce: NONCE, error: "AccessDenied" });
    const response = pageResponse(page);
    expect(response.status).toBe(403);
    expect(response.headers.get("content-security-policy")).toBe(page.headers["content-security-policy"]);
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(await response.text()).toBe(page.html);
  });
});

describe("renderSignInPage", () => {
  it("offers an OAuth button posting csrfToken and callbackUrl to the provider's sign-in URL", () => {
    const page = signIn();
    expect(page.status).toBe(200);
    const form = formByAction(page.html, "/auth/signin/github");
    expect(form).toMatch(/^<form method="post" /);
    expect(hiddenValue(form, "csrfToken")).toBe(CSRF);
    expect(hiddenValue(form, "callbackUrl")).toBe("/dashboard");
    expect(form).toContain("Sign in with GitHub");
    expect(form).toContain('<img src="https://authjs.dev/img/providers/github.svg" alt="">');
    expect(inputs(form).filter((tag) => attr(tag, "type") !== "hidden")).toEqual([]);
  });

  it("gives an OIDC provider a button too", () => {
    const page = signIn({
      providers: [{ id: "keycloak", name: "Keycloak", type: "oidc", signinURL: "/auth/signin/keycloak" }],
    });
    expect(formByAction(page.html, "/auth/signin/keycloak")).toContain("Sign in with Keycloak");
  });

  it("colours a provider button through a class in the nonce'd stylesheet", () => {
    const html = signIn().html;
    expect(html).toContain('class="button provider-0"');
    expect(html).toContain(".provider-0{background:#24292f;color:#ffffff;");
    const plain = signIn({ providers: [{ ...GITHUB, style: { bg: "url(x)" } }] }).html;
    expect(plain).toContain('class="button secondary provider-0"');
    expect(plain).not.toContain(".provider-0{");
  });

  it("offers an email form with a labelled, prefilled email input", () => {
    const form = formByAction(signIn({ email: "ada@example.com" }).html, "/auth/signin/nodemailer");
    expect(hiddenValue(form, "csrfToken")).toBe(CSRF);
    const email = inputs(form).find((tag) => attr(tag, "name") === "email")!;
    expect(attr(email, "type")).toBe("email");
    expect(attr(email, "value")).toBe("ada@example.com");
    expect(attr(email, "autocomplete")).toBe("email");
    expect(form).toContain(`<label for="${attr(email, "id")}">Email</label>`);
  });

  it("renders a credentials provider's declared fields, posting to its callback URL", () => {
    const form = formByAction(signIn().html, "/auth/callback/credentials");
    expect(hiddenValue(form, "csrfToken")).toBe(CSRF);
    expect(hiddenValue(form, "callbackUrl")).toBe("/dashboard");
    const visible = inputs(form).filter((tag) => attr(tag, "type") !== "hidden");
    expect(visible.map((tag) => [attr(tag, "name"), attr(tag, "type"), attr(tag, "autocomplete")])).toEqual([
      ["username", "text", "username"],
      ["password", "password", "current-password"],
    ]);
    expect(form).toContain(">Username</label>");
    expect(form).toContain(">Password</label>");
  });

  it("labels a credentials field by its name when no label is declared, and keeps its placeholder", () => {
    const page = signIn({
      providers: [{ ...CREDENTIALS, credentials: { pin: { type: "number", placeholder: "1234" } } }],
    });
    const pin = inputs(page.html).find((tag) => attr(tag, "name") === "pin")!;
    expect(attr(pin, "type")).toBe("number");
    expect(attr(pin, "placeholder")).toBe("1234");
    expect(page.html).toContain(`<label for="${attr(pin, "id")}">pin</label>`);
  });

  it("leaves out a credentials provider with no callback URL", () => {
    const page = signIn({ providers: [{ ...CREDENTIALS, callbackURL: undefined }] });
    expect(page.html).not.toContain("Sign in with Credentials");
  });

  it("shows the sign-up form with name, email and password when signUp is given", () => {
    const form = formByAction(signIn().html, "/api/auth/sign-up/email");
    expect(hiddenValue(form, "csrfToken")).toBe(CSRF);
    const visible = inputs(form).filter((tag) => attr(tag, "type") !== "hidden");
    expect(visible.map((tag) => [attr(tag, "name"), attr(tag, "type"), attr(tag, "autocomplete")])).toEqual([
      ["name", "text", "name"],
      ["email", "email", "email"],
      ["password", "password", "new-password"],
    ]);
    expect(signIn({ signUp: undefined }).html).not.toContain("Create an account");
  });

  it("escapes a provider name, the app name and every posted value", () => {
    const page = signIn({
      appName: `Bob's "Best" App`,
      csrfToken: `a"><b>`,
      providers: [{ ...GITHUB, name: "<script>alert(1)</script>" }],
    });
    expect(page.html).toContain("Sign in with &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.html).not.toContain("<script>alert(1)</script>");
    expect(page.html).toContain("Sign in to Bob&#39;s &quot;Best&quot; App</h1>");
    expect(page.html).toContain("<title>Sign in · Bob&#39;s &quot;Best&quot; App</title>");
    expect(page.html).not.toContain(`Bob's "Best" App`);
    expect(page.html).toContain('name="csrfToken" value="a&quot;&gt;&lt;b&gt;"');
  });

  it("escapes credentials field names, labels and placeholders", () => {
    const page = signIn({
      providers: [
        {
          ...CREDENTIALS,
          credentials: { 'a"b': { label: "<i>Label</i>", placeholder: '"><svg>', type: '"><svg>' } },
        },
      ],
    });
    expect(page.html).toContain('name="a&quot;b" type="text" placeholder="&quot;&gt;&lt;svg&gt;"');
    expect(page.html).toContain(">&lt;i&gt;Label&lt;/i&gt;</label>");
    expect(page.html).not.toContain("<svg>");
  });

  it("leaves out a provider whose sign-in URL is not http(s) or a path on this site", () => {
    const page = signIn({
      providers: [
        { ...GITHUB, id: "evil", name: "Evil", signinURL: "javascript:alert(1)" },
        { ...GITHUB, id: "offsite", name: "Offsite", signinURL: "//evil.example/signin" },
        GITHUB,
      ],
    });
    expect(page.html).not.toContain("Sign in with Evil");
    expect(page.html).not.toContain("Sign in with Offsite");
    expect(page.html).toContain("Sign in with GitHub");
  });

  it("drops an unsafe callbackUrl and a javascript: provider logo", () => {
    const page = signIn({
      callbackUrl: "javascript:alert(1)",
      providers: [{ ...GITHUB, style: { logo: "javascript:alert(1)" } }],
    });
    const form = formByAction(page.html, "/auth/signin/github");
    expect(hiddenValue(form, "callbackUrl")).toBeUndefined();
    expect(form).not.toContain("<img");
  });

  it("shows the theme's logo when it is https", () => {
    const page = signIn({ theme: { colorScheme: "light", logo: "https://acme.example/logo.svg" } });
    expect(page.html).toContain('<img class="logo" src="https://acme.example/logo.svg" alt="">');
  });

  it.each([
    ["CredentialsSignin", "Check that the details you entered are correct"],
    ["OAuthAccountNotLinked", "sign in the way you did before"],
    ["EmailSignin", "could not send the sign-in email"],
    ["SessionRequired", "Please sign in to see that page"],
    ["OAuthSignin", "could not reach the sign-in provider"],
    ["OAuthCallbackError", "answer could not be completed"],
    ["OAuthCreateAccount", "could not create an account from that sign-in"],
    ["EmailCreateAccount", "could not create an account for that email address"],
    ["Callback", "while finishing your sign-in"],
    ["Signin", "could not start signing you in"],
    ["default", "Sign-in did not work"],
    ["NoSuchCode", "Sign-in did not work"],
    ["constructor", "Sign-in did not work"],
    ["__proto__", "Sign-in did not work"],
  ])("explains the error %s in an alert", (code, message) => {
    const html = signIn({ error: code }).html;
    const alert = /<div class="alert" role="alert" id="signin-error"><p>([^<]*)<\/p><\/div>/.exec(html);
    expect(alert?.[1]).toContain(message);
    expect(html).not.toContain(`>${code}<`);
  });

  it("shows no alert without an error", () => {
    expect(signIn().html).not.toContain('role="alert"');
  });

  it("links the credentials inputs to a CredentialsSignin alert", () => {
    const html = signIn({ error: "CredentialsSignin" }).html;
    const form = formByAction(html, "/auth/callback/credentials");
    for (const input of inputs(form).filter((tag) => attr(tag, "type") !== "hidden")) {
      expect(attr(input, "aria-describedby")).toBe("signin-error");
      expect(attr(input, "aria-invalid")).toBe("true");
    }
    const email = inputs(formByAction(html, "/auth/signin/nodemailer")).find(
      (t) => attr(t, "name") === "email",
    )!;
    expect(attr(email, "aria-describedby")).toBeUndefined();
  });

  it("links the email input to an EmailSignin alert", () => {
    const html = signIn({ error: "EmailSignin" }).html;
    const email = inputs(formByAction(html, "/auth/signin/nodemailer")).find(
      (t) => attr(t, "name") === "email",
    )!;
    expect(attr(email, "aria-describedby")).toBe("signin-error");
  });

  it("says so when no sign-in method is left", () => {
    const html = signIn({ providers: [], signUp: undefined }).html;
    expect(html).toContain("No sign-in methods are available.");
    expect(forms(html)).toEqual([]);
  });

  it("separates providers that have fields with an 'or' divider", () => {
    const html = signIn().html;
    expect(html.match(/<p class="divider">or<\/p>/g)).toHaveLength(3);
    const twoButtons = signIn({
      providers: [GITHUB, { ...GITHUB, id: "google", name: "Google" }],
      signUp: undefined,
    }).html;
    expect(twoButtons).not.toContain('class="divider"');
  });
});

describe("theme", () => {
  it("uses a valid brand colour and picks readable button text", () => {
    expect(signIn({ theme: { brandColor: "#FFD700" } }).html).toContain(
      "--brand:#ffd700;--brand-text:#000000",
    );
    expect(signIn({ theme: { brandColor: "#123" } }).html).toContain("--brand:#112233;--brand-text:#ffffff");
  });

  it("keeps buttonText only when it reaches 4.5:1 against the brand colour", () => {
    expect(signIn({ theme: { brandColor: "#ffffff", buttonText: "#595959" } }).html).toContain(
      "--brand:#ffffff;--brand-text:#595959",
    );
    expect(signIn({ theme: { brandColor: "#ffffff", buttonText: "#777777" } }).html).toContain(
      "--brand:#ffffff;--brand-text:#000000",
    );
  });

  it.each(["red", "#abcd", "#fff;}body{display:none", "</style><script>"])(
    "ignores the brand colour %j",
    (brandColor) => {
      const html = signIn({ theme: { brandColor } }).html;
      expect(html).toContain("--brand:#2557d6;--brand-text:#ffffff");
      expect(html).not.toContain(`--brand:${brandColor}`);
      expect(html.match(/<\/style>/g)).toHaveLength(1);
    },
  );

  it("follows the colour scheme", () => {
    const auto = signIn({ theme: { colorScheme: "auto" } }).html;
    expect(auto).toContain("@media (prefers-color-scheme:dark)");
    expect(auto).toContain('<meta name="color-scheme" content="light dark">');
    const light = signIn({ theme: { colorScheme: "light" } }).html;
    expect(light).not.toContain("prefers-color-scheme");
    expect(light).toContain("--bg:#f6f8fa");
    expect(light).not.toContain("--bg:#0d1117");
    const dark = signIn({ theme: { colorScheme: "dark" } }).html;
    expect(dark).toContain("--bg:#0d1117");
    expect(dark).not.toContain("--bg:#f6f8fa");
    expect(dark).toContain('<meta name="color-scheme" content="dark">');
  });
});

describe("renderSignOutPage", () => {
  it("asks for confirmation with a form posting csrfToken and callbackUrl", () => {
    const page = renderSignOutPage({
      appName: "Acme",
      csrfToken: CSRF,
      callbackUrl: "/goodbye",
      nonce: NONCE,
      action: "/auth/signout",
    });
    expect(page.status).toBe(200);
    const form = formByAction(page.html, "/auth/signout");
    expect(form).toMatch(/^<form method="post" /);
    expect(hiddenValue(form, "csrfToken")).toBe(CSRF);
    expect(hiddenValue(form, "callbackUrl")).toBe("/goodbye");
    expect(form).toContain('<button type="submit" class="button">Sign out</button>');
    expect(page.html).toContain("sign out of Acme?");
  });

  it("drops an unsafe callbackUrl", () => {
    const page = renderSignOutPage({
      appName: "Acme",
      csrfToken: CSRF,
      callbackUrl: "javascript:alert(1)",
      nonce: NONCE,
      action: "/auth/signout",
    });
    expect(hiddenValue(formByAction(page.html, "/auth/signout"), "callbackUrl")).toBeUndefined();
  });

  it("throws on an unsafe action, which is configuration", () => {
    expect(() =>
      renderSignOutPage({ appName: "Acme", csrfToken: CSRF, nonce: NONCE, action: "javascript:alert(1)" }),
    ).toThrow(/renderSignOutPage: action must be a path on this site/);
  });
});

describe("renderErrorPage", () => {
  it.each([
    ["Configuration", 500, "Sign-in is unavailable"],
    ["AccessDenied", 403, "Access denied"],
    ["Verification", 403, "This link no longer works"],
    ["default", 200, "Something went wrong"],
    ["Default", 200, "Something went wrong"],
    ["NoSuchCode", 200, "Something went wrong"],
    ["constructor", 200, "Something went wrong"],
    ["__proto__", 200, "Something went wrong"],
    ["hasOwnProperty", 200, "Something went wrong"],
    [undefined, 200, "Something went wrong"],
  ])("maps %j to status %i", (error, status, heading) => {
    const page = renderErrorPage({ appName: "Acme", error, nonce: NONCE, signInURL: "/auth/signin" });
    expect(page.status).toBe(status);
    expect(page.html).toContain(`<h1>${heading}</h1>`);
  });

  it("never reflects an unknown error value", () => {
    const page = renderErrorPage({
      appName: "Acme",
      error: "Zq9Marker",
      nonce: NONCE,
      signInURL: "/auth/signin",
    });
    expect(page.html).not.toContain("Zq9Marker");
  });

  it("names a known code", () => {
    const page = renderErrorPage({ appName: "Acme", error: "Verification", nonce: NONCE });
    expect(page.html).toContain("<code>Verification</code>");
  });

  it("links to sign in where that helps, and drops an unsafe sign-in URL", () => {
    const denied = renderErrorPage({
      appName: "Acme",
      error: "AccessDenied",
      nonce: NONCE,
      signInURL: "/auth/signin",
    });
    expect(denied.html).toContain('<a class="button" href="/auth/signin">');
    const config = renderErrorPage({
      appName: "Acme",
      error: "Configuration",
      nonce: NONCE,
      signInURL: "/auth/signin",
    });
    expect(config.html).not.toContain("<a ");
    const unsafe = renderErrorPage({
      appName: "Acme",
      error: "Verification",
      nonce: NONCE,
      signInURL: "javascript:alert(1)",
    });
    expect(unsafe.html).not.toContain("<a ");
  });
});

describe("renderVerifyRequestPage", () => {
  it("tells the user to check their email and links back to the site", () => {
    const page = renderVerifyRequestPage({ appName: "Acme", nonce: NONCE, url: "https://acme.example/" });
    expect(page.status).toBe(200);
    expect(page.html).toContain("<h1>Check your email</h1>");
    expect(page.html).toContain('<a href="https://acme.example/">Back to Acme</a>');
    expect(forms(page.html)).toEqual([]);
  });

  it("drops a javascript: URL", () => {
    const page = renderVerifyRequestPage({ appName: "Acme", nonce: NONCE, url: "javascript:alert(1)" });
    expect(page.html).not.toContain("<a ");
  });
});

describe("renderConfirmPage", () => {
  it("posts the token and csrfToken from hidden fields, so a GET alone does nothing", () => {
    const page = renderConfirmPage({
      appName: "Acme",
      nonce: NONCE,
      action: "/auth/callback/nodemailer",
      hidden: { token: "tok_123", email: "ada@example.com", csrfToken: CSRF },
      email: "ada@example.com",
    });
    expect(page.status).toBe(200);
    const form = formByAction(page.html, "/auth/callback/nodemailer");
    expect(form).toMatch(/^<form method="post" /);
    expect(hiddenValue(form, "token")).toBe("tok_123");
    expect(hiddenValue(form, "csrfToken")).toBe(CSRF);
    expect(hiddenValue(form, "email")).toBe("ada@example.com");
    expect(form).toContain('<button type="submit" class="button">Sign in</button>');
    expect(page.html).toContain("as <strong>ada@example.com</strong>");
    expect(page.html).not.toContain("<a ");
  });

  it("escapes hidden names and values and the email", () => {
    const page = renderConfirmPage({
      appName: "Acme",
      nonce: NONCE,
      action: "/auth/callback/nodemailer",
      hidden: { token: '"><script>', 'x"y': "1" },
      email: "<b>ada</b>",
    });
    expect(page.html).toContain('name="token" value="&quot;&gt;&lt;script&gt;"');
    expect(page.html).toContain('name="x&quot;y" value="1"');
    expect(page.html).toContain("<strong>&lt;b&gt;ada&lt;/b&gt;</strong>");
  });

  it("throws on an unsafe action, which is configuration", () => {
    expect(() =>
      renderConfirmPage({ appName: "Acme", nonce: NONCE, action: "//evil.example/cb", hidden: {} }),
    ).toThrow(/renderConfirmPage: action must be a path on this site/);
  });
});

/**
 * A browser stand-in for the Auth.js-dialect routes (ExpressAuth) over real HTTP: one cookie jar,
 * manual redirects, form posts that carry the Origin a browser would send, and a reader for the
 * forms of the built-in pages.
 */
import { CookieJar } from "./http.js";

/** A form found in a page: where it posts and its named inputs (entities decoded). */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, code: string) => {
    if (code[0] !== "#") return ENTITIES[code.toLowerCase()] ?? entity;
    const hex = code[1] === "x" || code[1] === "X";
    return String.fromCodePoint(hex ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1)));
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`, "i").exec(tag);
  return match ? decode(match[1]!) : undefined;
}

/** Every `<form>` of a page, in order. */
export function pageForms(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const action = attribute(match[1]!, "action");
    if (action === undefined) continue;
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attribute(input[1]!, "name");
      if (name !== undefined) fields[name] = attribute(input[1]!, "value") ?? "";
    }
    forms.push({ action, fields });
  }
  return forms;
}

/** The page's form that posts to `action`; throws when there is none. */
export function formPostingTo(html: string, action: string): PageForm {
  const form = pageForms(html).find((f) => f.action === action);
  if (!form) throw new Error(`no form posting to ${action} in:\n${html.slice(0, 2000)}`);
  return form;
}

/** What {@link AuthBrowser.request} accepts. */
export interface BrowserRequest {
  method?: string;
  /** Sent urlencoded, as a POST unless `method` says otherwise, with `Origin: <app origin>`. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** One browser: a cookie jar for the app's origin; redirects are returned, never followed. */
export class AuthBrowser {
  readonly jar = new CookieJar();

  constructor(readonly origin: string) {}

  /** Requests a path on the app (or an absolute URL on it) with the jar's cookies. */
  async request(pathOrURL: string, init: BrowserRequest = {}): Promise<Response> {
    const url = new URL(pathOrURL, this.origin);
    const headers = new Headers(init.headers);
    if (this.jar.header()) headers.set("cookie", this.jar.header());
    let body: string | undefined;
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      if (!headers.has("origin")) headers.set("origin", this.origin);
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      body,
      redirect: "manual",
    });
    this.jar.storeFrom(res);
    return res;
  }

  get(pathOrURL: string, headers?: Record<string, string>): Promise<Response> {
    return this.request(pathOrURL, { headers });
  }

  post(pathOrURL: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response> {
    return this.request(pathOrURL, { form, headers });
  }

  /** A fresh CSRF token from `<base>/csrf` (the cookie lands in the jar). */
  async csrfToken(base = "/auth"): Promise<string> {
    const res = await this.get(`${base}/csrf`);
    if (res.status !== 200) throw new Error(`${base}/csrf answered ${res.status}`);
    return ((await res.json()) as { csrfToken: string }).csrfToken;
  }

  /** `<base>/session` as JSON (null when signed out). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  async session(base = "/auth"): Promise<any> {
    const res = await this.get(`${base}/session`);
    if (res.status !== 200) throw new Error(`${base}/session answered ${res.status}`);
    return res.json();
  }
}

/** The Location of a redirect, resolved against `origin`; throws on anything but a 3xx. */
export function redirectTarget(res: Response, origin: string): URL {
  const location = res.headers.get("location");
  if (res.status < 300 || res.status >= 400 || !location)
    throw new Error(`expected a redirect, got ${res.status} (location ${location})`);
  return new URL(location, origin);
}

/** Whether a response sets the cookie `name` to a non-empty value. */
export function setsCookie(res: Response, name: string): boolean {
  return res.headers
    .getSetCookie()
    .some(
      (line) => line.startsWith(`${name}=`) && !line.startsWith(`${name}=;`) && !/max-age=0\b/i.test(line),
    );
}

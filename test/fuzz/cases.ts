/**
 * Fuzz cases: one HTTP request to one endpoint, generated from the endpoint's definition
 * (method, path, zod body and query schemas) and beyond it (other methods, path suffixes, raw
 * query strings, bodies of the wrong shape or random bytes, random content types, garbage and
 * valid cookies, other origins). A case is plain data, so fast-check prints and shrinks it;
 * placeholders (`{{fixture-email}}` ...) are filled in when it is sent.
 */
import fc from "fast-check";
import type { AnyEndpoint, HttpMethod } from "../../src/core/endpoint.js";
import { DEAD_OAUTH, DEAD_OIDC, PLACEHOLDER, type RawRequest, type Target } from "./harness.js";
import {
  arbitraryFor,
  type Dictionary,
  hugeString,
  longPath,
  mutated,
  nastyKey,
  nastyString,
  validFor,
  wrongType,
} from "./schema-arbitrary.js";

/** How a body goes on the wire. */
export type BodySpec =
  | { kind: "none" }
  | { kind: "json"; value: unknown; contentType: string | undefined }
  | { kind: "form"; value: unknown; contentType: string | undefined }
  | { kind: "bytes"; bytes: Uint8Array; contentType: string | undefined };

/** Which value a cookie gets. */
export type CookieValue =
  | { kind: "valid-session" }
  | { kind: "tampered-session"; at: number }
  | { kind: "valid-csrf" }
  | { kind: "raw"; value: string };

/** One fuzzed request, before its placeholders are filled in. */
export interface FuzzCase {
  endpoint: string;
  method: string;
  /** Path below the dialect's base, encoded, params filled in. */
  path: string;
  /** Raw query string without "?" ("" for none). */
  query: string;
  body: BodySpec;
  /** The session cookie (the target's name), or none. */
  session: CookieValue | null;
  /**
   * The CSRF double-submit: both halves (the target's valid cookie and the token in the body),
   * one of them, or neither.
   */
  csrf: "pair" | "field" | "cookie" | "none";
  /** Whether the transaction cookie of a sign-in started just before goes along. */
  oauthTransaction: boolean;
  /** More cookies: name (`$session`, `$csrf` ... are the target's names) -> value. */
  cookies: [string, CookieValue][];
  headers: Record<string, string>;
}

export const METHODS = [
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
  "PURGE",
  "LOCK",
  "SEARCH",
] as const;

/** The dictionary of domain values, with placeholders for the per-request ones. */
export function dictionary(): Dictionary {
  return {
    emails: [
      PLACEHOLDER.fixtureEmail,
      PLACEHOLDER.fixtureEmail,
      PLACEHOLDER.fixtureEmail,
      PLACEHOLDER.newEmail,
      PLACEHOLDER.newEmail,
      PLACEHOLDER.newEmail,
      "ada@example.test",
      "new-user@example.test",
      "another-user@example.test",
      "third.user+tag@example.test",
      "UPPER@EXAMPLE.TEST",
      " padded@example.test ",
      "no-at-sign",
      "a@b",
      `${"x".repeat(310)}@example.test`,
      "ünïcödé@exämple.test",
      "a\u0000@example.test",
    ],
    passwords: [
      PLACEHOLDER.fixturePassword,
      PLACEHOLDER.fixturePassword,
      "another long passphrase",
      "short",
      "x".repeat(129),
      "",
      "pässwörd-ünicode-😀",
    ],
    providers: [
      DEAD_OIDC,
      DEAD_OAUTH,
      DEAD_OAUTH,
      "credentials",
      "email",
      "password",
      "github",
      "",
      "__proto__",
    ],
    urls: [
      "/",
      "/dashboard",
      "/a?b=c#d",
      `${PLACEHOLDER.origin}/after`,
      "https://evil.example/",
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "http://[::1",
      "http://localhost:3000/",
      "%2F%2Fevil.example",
      " /x",
      "",
      `/${"a".repeat(20_000)}`,
    ],
    tokens: [PLACEHOLDER.magicToken, PLACEHOLDER.resetToken, PLACEHOLDER.csrf, "a", "x".repeat(512)],
    usernames: ["ada", "Ada_Lovelace", "a", "x".repeat(40), "ad min", "ädä", "__proto__"],
    states: [PLACEHOLDER.oauthState, PLACEHOLDER.oauthState, "state", ""],
  };
}

/** Form fields the browser routes read (Auth.js forms, the credentials provider, the sign-up form). */
function browserFields(dict: Dictionary): fc.Arbitrary<Record<string, unknown>> {
  const pick = (list: readonly string[]) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...list) },
      { weight: 2, arbitrary: nastyString },
      { weight: 1, arbitrary: hugeString },
    );
  return fc.record(
    {
      email: pick(dict.emails),
      password: pick(dict.passwords),
      name: nastyString,
      username: fc.oneof(fc.constant("ada"), nastyString),
      pin: fc.oneof(fc.constant("1234"), nastyString),
      token: pick(dict.tokens),
      callbackUrl: fc.oneof(
        { weight: 4, arbitrary: pick(dict.urls) },
        { weight: 1, arbitrary: longPath("body") },
      ),
      code: fc.oneof(nastyString, hugeString),
      state: pick(dict.states),
      iss: fc.oneof(fc.constant(PLACEHOLDER.origin), nastyString),
      error: fc.oneof(fc.constantFrom("access_denied", "Configuration"), nastyString),
    },
    { requiredKeys: [] },
  );
}

/** encodeURIComponent that also takes lone surrogates (as U+FFFD, the way UTF-8 encoders do). */
export function encode(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A path segment for a `:param`. */
function paramArb(name: string, dict: Dictionary): fc.Arbitrary<string> {
  const values = name === "provider" ? dict.providers : dict.tokens;
  return fc.oneof(
    // Placeholders stay as they are: filled in (with URL-safe tokens) when the request is sent.
    { weight: 4, arbitrary: fc.constantFrom(...values).map((v) => (v.startsWith("{{") ? v : encode(v))) },
    { weight: 2, arbitrary: nastyString.map((v) => encode(v)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "..", ".", "%2F", "%00", "a%2Fb", "%C0%AE"),
    },
  );
}

const pathSuffix = fc.oneof(
  { weight: 12, arbitrary: fc.constant("") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("/", "//", "/x", "/..", "/.", "%2F", ".json", "/%00", ";x", "/%zz", "~"),
  },
);

/** Query parameters of the wrong kind: repeated keys, `__proto__`, bad escapes, unicode. */
const rawQuery: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "%",
    "%zz=1",
    "a=1&a=2",
    "__proto__=x",
    "__proto__[polluted]=1",
    "constructor[prototype][polluted]=1",
    "token",
    "token=&token=",
    "callbackURL=https://evil.example",
    "=",
    "&&&",
    "disableCookieCache=yes",
  ),
  fc
    .array(fc.tuple(fc.oneof(nastyKey, fc.constantFrom("token", "callbackURL", "error")), nastyString), {
      maxLength: 4,
    })
    .map((pairs) => new URLSearchParams(pairs).toString()),
);

/** A value as a query-string value (what a form or link would carry). */
function queryValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Encodes an object as a query string (arrays as repeated keys); other values as one key. */
export function toQuery(value: unknown): string {
  const params = new URLSearchParams();
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) params.append(k, queryValue(item));
      else params.append(k, queryValue(v));
    }
  } else if (value !== undefined) {
    params.append(queryValue(value), "");
  }
  return params.toString();
}

const JSON_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/vnd.api+json",
  "text/plain",
  undefined,
] as const;

const OTHER_TYPES = [
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "text/html",
  "application/xml",
  "application/octet-stream",
  "application/json; charset=utf-16",
  "",
  ";",
  "application/json;;;",
  "*/*",
] as const;

/** A body: JSON mostly for the JSON API, a form mostly for the browser routes, sometimes bytes. */
function bodyArb(value: fc.Arbitrary<unknown>, dialect: "json" | "browser"): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    {
      weight: dialect === "json" ? 8 : 3,
      arbitrary: fc.record({
        kind: fc.constant("json" as const),
        value,
        contentType: fc.constantFrom(...JSON_TYPES),
      }),
    },
    {
      weight: dialect === "json" ? 2 : 6,
      arbitrary: fc.record({
        kind: fc.constant("form" as const),
        value,
        contentType: fc.oneof(
          { weight: 4, arbitrary: fc.constant("application/x-www-form-urlencoded") },
          { weight: 1, arbitrary: fc.constantFrom(...OTHER_TYPES, ...JSON_TYPES) },
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("bytes" as const),
        bytes: fc.oneof(
          fc.uint8Array({ maxLength: 256 }),
          fc.constantFrom(
            new TextEncoder().encode('{"a":'),
            new TextEncoder().encode("\uFEFF{}"),
            new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
            new TextEncoder().encode('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'),
            new Uint8Array(1024 * 1024 + 1),
          ),
        ),
        contentType: fc.oneof(fc.constantFrom(...OTHER_TYPES, ...JSON_TYPES), fc.string({ maxLength: 30 })),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  );
}

/** Cookies: the target's own names with valid, tampered or garbage values, and strangers. */
const cookieValue: fc.Arbitrary<CookieValue> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "valid-session" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("tampered-session" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "valid-csrf" as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("raw" as const),
      value: fc.oneof(
        nastyString,
        fc.constantFrom(
          "",
          "a.b",
          "a|b",
          "%",
          "%zz",
          "x".repeat(5000),
          "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..a.b.c",
          "e30.e30.e30.e30.e30",
          "null",
        ),
      ),
    }),
  },
);

/** The session: mostly the fixture's valid one, so the endpoints behind a session are reached. */
const sessionArb: fc.Arbitrary<CookieValue | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "valid-session" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("tampered-session" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: cookieValue.filter((v) => v.kind === "raw") },
  { weight: 2, arbitrary: fc.constant(null) },
);

const csrfArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant("pair" as const) },
  { weight: 1, arbitrary: fc.constantFrom("field" as const, "cookie" as const, "none" as const) },
);

const cookieName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("$session", "$sessionData", "$dontRemember", "$csrf", "$oauth") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "$session.0",
      "$session.1",
      "__Secure-$session",
      "__Host-$csrf",
      "__proto__",
      "",
      "x",
    ),
  },
);

/** A header value that means "leave the header out". */
const NO_HEADER = "(none)";

const headerArb: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    // Usually the app's own Origin, so state-changing requests get past the Origin check.
    origin: fc.oneof(
      { weight: 10, arbitrary: fc.constant(PLACEHOLDER.origin) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          NO_HEADER,
          "https://evil.example",
          "null",
          "",
          `${PLACEHOLDER.origin}/`,
          "garbage",
        ),
      },
    ),
    accept: fc.constantFrom("application/json", "text/html", "*/*", "text/html,application/json", "x"),
    "sec-fetch-site": fc.constantFrom("same-origin", "cross-site", "none", "same-site", "?"),
    "sec-fetch-mode": fc.constantFrom("navigate", "cors", "no-cors"),
    referer: fc.constantFrom(`${PLACEHOLDER.origin}/page`, "https://evil.example/", "not a url"),
    "x-auth-return-redirect": fc.constantFrom("1", "true", ""),
    "x-forwarded-for": fc.constantFrom("1.2.3.4", "garbage, 5.6.7.8", ""),
    "x-forwarded-host": fc.constantFrom("evil.example", "a b", ""),
    "x-forwarded-proto": fc.constantFrom("https", "http", "gopher"),
    // Rarely: a Host other than the server's moves the request's origin away from its Origin.
    host: fc.oneof(
      { weight: 12, arbitrary: fc.constant(NO_HEADER) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "evil.example",
          "localhost",
          "[::1]:1",
          "127.0.0.1:1",
          "a b",
          "",
          "x:99999",
        ),
      },
    ),
    "user-agent": fc.oneof(fc.constant("fuzz"), nastyString),
  },
  { requiredKeys: ["origin", "host"] },
);

/** The fuzz cases of one endpoint. */
export function caseArb(
  name: string,
  endpoint: AnyEndpoint,
  dialect: "json" | "browser",
  dict: Dictionary,
): fc.Arbitrary<FuzzCase> {
  const own = (Array.isArray(endpoint.method) ? endpoint.method : [endpoint.method]) as HttpMethod[];
  const method = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...own) },
    { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
  );
  // A provider's callback mostly names the provider whose sign-in the fixture starts, so the
  // live state and transaction cookie get past the first checks into the code exchange.
  const callback = endpoint.path.includes("/callback/");
  const param = (name: string) =>
    callback
      ? fc.oneof(
          { weight: 2, arbitrary: fc.constant(DEAD_OAUTH) },
          { weight: 1, arbitrary: paramArb(name, dict) },
        )
      : paramArb(name, dict);
  const segments = endpoint.path
    .split("/")
    .map((s) => (s.startsWith(":") ? param(s.slice(1)) : fc.constant(s)));
  const path = fc.tuple(fc.tuple(...segments), pathSuffix).map(([parts, suffix]) => parts.join("/") + suffix);

  const queryValueArb = endpoint.query
    ? arbitraryFor(endpoint.query, dict, "", "query")
    : fc.constant(undefined);
  const validQuery = endpoint.query ? validFor(endpoint.query, queryValueArb) : queryValueArb;
  // A provider's callback: what an authorization response carries, with the live state.
  const authorizationResponse = fc.record(
    {
      code: fc.oneof(fc.constant("abc"), nastyString),
      state: fc.constantFrom(...dict.states),
      iss: fc.constantFrom(PLACEHOLDER.origin, "https://evil.example", ""),
      error: fc.constantFrom("access_denied", "server_error", "x"),
      error_description: nastyString,
      user: fc.constantFrom('{"name":{"firstName":"A"}}', "{", "[]"),
    },
    { requiredKeys: ["state"] },
  );
  const query = fc.oneof(
    {
      weight: endpoint.path.includes("/callback/") ? 6 : 0,
      arbitrary: authorizationResponse.map(toQuery),
    },
    { weight: 4, arbitrary: validQuery.map(toQuery) },
    { weight: 3, arbitrary: queryValueArb.map(toQuery) },
    { weight: 2, arbitrary: mutated(queryValueArb, "query").map(toQuery) },
    { weight: 1, arbitrary: rawQuery },
    {
      weight: 1,
      arbitrary: fc
        .tuple(queryValueArb.map(toQuery), rawQuery)
        .map(([a, b]) => (a && b ? `${a}&${b}` : a || b)),
    },
  );

  const schemaValue = endpoint.body ? arbitraryFor(endpoint.body, dict) : fc.constant(undefined);
  // Values the schema accepts get past validation into the flows; the others test validation.
  const accepted = endpoint.body ? validFor(endpoint.body, schemaValue) : schemaValue;
  const valid =
    dialect === "browser"
      ? fc.oneof(schemaValue, browserFields(dict))
      : fc.oneof({ weight: 4, arbitrary: accepted }, { weight: 1, arbitrary: schemaValue });
  const value = fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: mutated(valid) },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: fc.record({ a: hugeString }) },
  );

  return fc.record({
    endpoint: fc.constant(name),
    method,
    path,
    query,
    body: bodyArb(value, dialect),
    session: sessionArb,
    csrf: csrfArb,
    oauthTransaction: callback ? fc.oneof(fc.constant(true), fc.boolean()) : fc.boolean(),
    cookies: fc.array(fc.tuple(cookieName, cookieValue), { maxLength: 3 }),
    headers: headerArb,
  });
}

/** A case for a path no endpoint has (under the dialect's base). */
export function strayCaseArb(dict: Dictionary): fc.Arbitrary<FuzzCase> {
  const path = fc.oneof(
    fc.constantFrom(
      "",
      "/",
      "//",
      "/..",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/signin/",
      "/callback",
      "/sign-in",
      "/x/y/z",
    ),
    fc.array(nastyString.map(encode), { minLength: 1, maxLength: 3 }).map((s) => `/${s.join("/")}`),
  );
  return fc.record({
    endpoint: fc.constant("(no route)"),
    method: fc.constantFrom(...METHODS),
    path,
    query: rawQuery,
    body: bodyArb(fc.oneof(wrongType, browserFields(dict)), "json"),
    session: sessionArb,
    csrf: csrfArb,
    oauthTransaction: fc.boolean(),
    cookies: fc.array(fc.tuple(cookieName, cookieValue), { maxLength: 3 }),
    headers: headerArb,
  });
}

/** Replaces placeholders in strings (deeply, keys too). */
async function fill(value: unknown, target: Target, cache: Map<string, string>): Promise<unknown> {
  if (typeof value === "string") return fillString(value, target, cache);
  if (Array.isArray(value)) return Promise.all(value.map((v) => fill(v, target, cache)));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty keeps keys like "__proto__" as own properties.
      Object.defineProperty(out, await fillString(k, target, cache), {
        value: await fill(v, target, cache),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

async function fillString(text: string, target: Target, cache: Map<string, string>): Promise<string> {
  if (!text.includes("{{")) return text;
  let out = text;
  for (const [key, marker] of Object.entries(PLACEHOLDER) as [keyof typeof PLACEHOLDER, string][]) {
    if (!out.includes(marker)) continue;
    let filled = cache.get(key);
    if (filled === undefined) {
      filled = await target.placeholder(key);
      cache.set(key, filled);
    }
    out = out.replaceAll(marker, filled);
  }
  return out;
}

/** Header values must be latin1 without CR/LF/NUL: send UTF-8 bytes as latin1, drop the rest. */
function headerSafe(value: string): string {
  return (
    Buffer.from(value, "utf8")
      .toString("latin1")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: Node refuses these in header values
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "")
  );
}

function formText(value: unknown): string {
  if (value && typeof value === "object") {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(value)) params.append(k, queryValue(v));
    return params.toString();
  }
  return queryValue(value);
}

/**
 * Turns a case into the bytes to send: placeholders filled (the fixture's session, CSRF token,
 * live magic-link and reset tokens ...), the body encoded as the case says. Runs before the
 * database watch starts, so the fixture's own writes (a new session, a token) are not blamed on the
 * fuzzed request.
 */
export async function materialize(target: Target, c: FuzzCase): Promise<RawRequest> {
  const cache = new Map<string, string>();
  // One sign-in started for both the state placeholder and the transaction cookie.
  const oauth =
    c.oauthTransaction || JSON.stringify(c).includes(PLACEHOLDER.oauthState)
      ? await target.oauthTransaction()
      : undefined;
  if (oauth) cache.set("oauthState", oauth.state);
  const path = `${target.base}${await fillString(c.path, target, cache)}`;
  const query = await fillString(c.query, target, cache);

  let body: Uint8Array | undefined;
  const headers: Record<string, string> = {};
  if (c.body.kind === "json" || c.body.kind === "form") {
    let value = await fill(c.body.value, target, cache);
    const withToken = c.csrf === "pair" || c.csrf === "field";
    if (withToken && value && typeof value === "object" && !Array.isArray(value)) {
      value = { csrfToken: await fillString(PLACEHOLDER.csrf, target, cache), ...value };
    }
    const text = c.body.kind === "json" ? JSON.stringify(value) : formText(value);
    if (text !== undefined) body = Buffer.from(text, "utf8");
    if (c.body.contentType !== undefined) headers["content-type"] = c.body.contentType;
  } else if (c.body.kind === "bytes") {
    body = c.body.bytes;
    if (c.body.contentType !== undefined) headers["content-type"] = c.body.contentType;
  }

  const names: Record<string, string> = {
    $session: target.cookies.session,
    $sessionData: target.cookies.sessionData,
    $dontRemember: target.cookies.dontRemember,
    $csrf: target.cookies.csrf,
    $oauth: target.cookies.oauth,
  };
  const cookieValueOf = async (v: CookieValue): Promise<string> => {
    if (v.kind === "valid-session") return target.sessionCookie();
    if (v.kind === "valid-csrf") return target.csrfCookie();
    if (v.kind === "tampered-session") {
      const valid = await target.sessionCookie();
      const i = v.at % valid.length;
      return valid.slice(0, i) + (valid[i] === "A" ? "B" : "A") + valid.slice(i + 1);
    }
    return fillString(v.value, target, cache);
  };
  // The fuzzed extra cookies come first: with a name twice, the first one counts.
  const cookies: string[] = [];
  for (const [rawName, v] of c.cookies) {
    cookies.push(`${rawName.replace(/\$[a-zA-Z]+/, (m) => names[m] ?? m)}=${await cookieValueOf(v)}`);
  }
  if (c.session) cookies.push(`${target.cookies.session}=${await cookieValueOf(c.session)}`);
  if (c.csrf === "pair" || c.csrf === "cookie")
    cookies.push(`${target.cookies.csrf}=${await target.csrfCookie()}`);
  if (c.oauthTransaction)
    cookies.push(`${target.cookies.oauth}=${oauth?.cookie ?? (await target.oauthTransaction()).cookie}`);
  if (cookies.length > 0) headers.cookie = headerSafe(cookies.join("; "));
  for (const [k, v] of Object.entries(c.headers)) {
    if (v !== NO_HEADER) headers[k] = headerSafe(await fillString(v, target, cache));
  }
  return { method: c.method, path: query ? `${path}?${query}` : path, headers, body };
}

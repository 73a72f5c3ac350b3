/**
 * A real OpenID Provider (`oidc-provider` v9) on 127.0.0.1 for tests that drive an OAuth/OIDC
 * sign-in end to end over HTTP, and `authorizeAtOP`, which walks its dev login and consent screens
 * the way a browser would, without one.
 */
import { randomBytes } from "node:crypto";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
// @ts-expect-error -- oidc-provider v9 ships no type declarations; ProviderConstructor below
// describes the little of it this harness uses.
import UntypedProvider from "oidc-provider";

/** An end-user at the OP. The login name typed into the dev login form is `sub`. */
export interface OidcAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
  [claim: string]: unknown;
}

/** A client registered statically at the OP. */
export interface OidcClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none";
  jwks?: { keys: JsonWebKey[] };
  response_types?: string[];
  /** List "refresh_token" here to be issued refresh tokens. */
  grant_types?: string[];
}

/** Options for {@link startOidcProvider}. */
export interface StartOidcProviderOptions {
  clients: OidcClient[];
  accounts?: OidcAccount[];
  /**
   * RFC 9207 `iss` in authorization responses: default true (oidc-provider's default). When false
   * the OP stops sending `iss` and stops advertising `authorization_response_iss_parameter_supported`,
   * like the many OPs that predate RFC 9207.
   */
  issAuthResp?: boolean;
}

/** A running OP. */
export interface StartedOP {
  /** "http://127.0.0.1:<port>", no trailing slash. */
  issuer: string;
  port: number;
  /** The accounts `findAccount` reads, by sub; tests may add or change them while the OP runs. */
  accounts: Map<string, OidcAccount>;
  /** The OP's public signing keys. */
  jwks: { keys: JsonWebKey[] };
  /** Stops the OP and drops its open connections. */
  close(): Promise<void>;
}

/** How the OP hands the browser back to the relying party: a redirect... */
export interface AuthorizationRedirect {
  method: "GET";
  url: string;
}

/** ...or an auto-submitting form (response_mode=form_post). */
export interface AuthorizationFormPost {
  method: "POST";
  url: string;
  form: Record<string, string>;
}

/** Options for {@link authorizeAtOP}. */
export interface AuthorizeAtOPOptions {
  /** The account's sub, typed into the dev login form (any password is accepted). */
  login: string;
  /** Default true. False signs in, then cancels the consent screen: error=access_denied. */
  consent?: boolean;
  /** Cancels at the first screen shown: error=access_denied. */
  deny?: boolean;
}

/** A client key pair for `private_key_jwt`. */
export interface ClientKeyPair {
  privateKey: CryptoKey;
  publicJwk: JsonWebKey & { kid: string; alg: string; use: "sig" };
}

interface KoaContext {
  path: string;
  body: unknown;
  response: { get(field: string): string };
  set(field: string, value: string): void;
}

interface ProviderInstance {
  callback(): RequestListener;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  on(event: "server_error", listener: (ctx: unknown, error: unknown) => void): void;
  Client: { find(id: string): Promise<unknown> };
}

type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

const Provider: ProviderConstructor = UntypedProvider;

/** Starts an OP on 127.0.0.1, port 0. */
export async function startOidcProvider(options: StartOidcProviderOptions): Promise<StartedOP> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map((options.accounts ?? []).map((account) => [account.sub, account]));

  try {
    const { provider, jwks } = await createProvider(issuer, options, accounts);
    server.on("request", provider.callback());
    return { issuer, port, accounts, jwks, close: () => closeServer(server) };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

/** The configured Provider, its clients already validated, and its public signing keys. */
async function createProvider(
  issuer: string,
  options: StartOidcProviderOptions,
  accounts: Map<string, OidcAccount>,
): Promise<{ provider: ProviderInstance; jwks: { keys: JsonWebKey[] } }> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const signing = { kid: await calculateJwkThumbprint(publicJwk), alg: "RS256", use: "sig" };

  const provider = constructQuietly(issuer, {
    clients: options.clients,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), ...signing }] },
    adapter: createMemoryAdapter(),
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "picture"] },
    // Scope-requested claims in the ID token too, not only at userinfo.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async () => true },
    },
    pkce: { required: () => true },
    // Without offline_access (which needs prompt=consent) whenever the client may refresh.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed("refresh_token"),
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ ...accounts.get(sub), sub }),
    }),
    // Numbers and functions of our own: the defaults print a notice the first time they run.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    clientBasedCORS: () => true,
    renderError: async (ctx: KoaContext, out: Record<string, string>) => {
      ctx.set("Content-Type", "application/json; charset=utf-8");
      ctx.body = JSON.stringify(out);
    },
  });
  // Static clients are otherwise validated on first use, deep inside some later request.
  for (const { client_id } of options.clients) {
    try {
      await provider.Client.find(client_id);
    } catch (cause) {
      const reason = (cause as { error_description?: string }).error_description ?? String(cause);
      throw new TypeError(`startOidcProvider: client "${client_id}": ${reason}`, { cause });
    }
  }
  if (options.issAuthResp === false) provider.use(withoutIssInAuthorizationResponses(issuer));
  // A 500 inside the OP means the harness is misconfigured: say so rather than fail obscurely.
  provider.on("server_error", (_ctx, error) => console.error("oidc-provider server_error:", error));
  return { provider, jwks: { keys: [{ ...publicJwk, ...signing }] } };
}

/**
 * Builds the Provider without its "devInteractions is enabled" warning, printed on every
 * construction and so once per test. Only that message is dropped, and only while the
 * constructor runs (synchronously).
 */
function constructQuietly(issuer: string, configuration: Record<string, unknown>): ProviderInstance {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("feature devInteractions is enabled")) return;
    warn.apply(console, args);
  };
  try {
    return new Provider(issuer, configuration);
  } finally {
    console.warn = warn;
  }
}

/**
 * oidc-provider v9 always sends RFC 9207 `iss` (it has no switch), so this strips it from what
 * leaves for the RP: the redirect's query or fragment, the form_post page, and discovery.
 */
function withoutIssInAuthorizationResponses(issuer: string) {
  return async function stripIss(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
    await next();
    if (ctx.path.startsWith("/.well-known/") && ctx.body !== null && typeof ctx.body === "object") {
      delete (ctx.body as Record<string, unknown>).authorization_response_iss_parameter_supported;
    }
    const location = ctx.response.get("Location");
    if (location && new URL(location, issuer).origin !== issuer) {
      const url = new URL(location, issuer);
      url.searchParams.delete("iss");
      const fragment = new URLSearchParams(url.hash.slice(1));
      if (fragment.has("iss")) {
        fragment.delete("iss");
        url.hash = fragment.toString();
      }
      ctx.set("Location", url.href);
    }
    if (typeof ctx.body === "string" && ctx.body.includes("<title>Submitting Callback</title>")) {
      ctx.body = ctx.body.replace(/<input type="hidden" name="iss" value="[^"]*"\/>\n?/, "");
    }
  };
}

interface StoredPayload {
  uid?: string;
  userCode?: string;
  grantId?: string;
  consumed?: number;
  [key: string]: unknown;
}

/** The models whose records die with their grant (as in oidc-provider's own memory adapter). */
const GRANT_BOUND = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode"]);

/**
 * A storage adapter private to one OP. The built-in one shares a 1000-entry LRU across every
 * Provider in the process (and warns on each construction).
 */
function createMemoryAdapter() {
  const entries = new Map<string, { payload: StoredPayload; expiresAt: number }>();
  const sessionsByUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  const byGrant = new Map<string, Set<string>>();
  const read = (key: string): StoredPayload | undefined => {
    const entry = entries.get(key);
    if (entry === undefined || entry.expiresAt > Date.now()) return entry?.payload;
    entries.delete(key);
    return undefined;
  };
  return function adapterFor(model: string) {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id: string, payload: StoredPayload, expiresIn?: number): Promise<void> {
        entries.set(keyOf(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
        if (model === "Session" && payload.uid) sessionsByUid.set(payload.uid, id);
        if (payload.userCode) byUserCode.set(payload.userCode, id);
        if (GRANT_BOUND.has(model) && payload.grantId) {
          const members = byGrant.get(payload.grantId) ?? new Set<string>();
          byGrant.set(payload.grantId, members.add(keyOf(id)));
        }
      },
      find: async (id: string) => read(keyOf(id)),
      findByUid: async (uid: string) => read(keyOf(sessionsByUid.get(uid) ?? "")),
      findByUserCode: async (userCode: string) => read(keyOf(byUserCode.get(userCode) ?? "")),
      async consume(id: string): Promise<void> {
        const payload = read(keyOf(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string): Promise<void> {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId: string): Promise<void> {
        for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
        byGrant.delete(grantId);
      },
    };
  };
}

/** A key pair for a `private_key_jwt` client: register `publicJwk`, sign with `privateKey`. */
export async function generateClientKeyPair(alg = "RS256"): Promise<ClientKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicJwk: { ...jwk, kid, alg, use: "sig" } };
}

const MAX_STEPS = 20;

interface Cookie {
  name: string;
  value: string;
  path: string;
}

interface ParsedForm {
  action: URL;
  fields: Record<string, string>;
}

/**
 * Follows a browser's path through the OP: GET the authorization URL, submit the dev login form
 * with `login` (the account's sub; any password), submit the consent form, follow redirects on
 * the OP's own origin (keeping the OP's cookies in its own jar), and stop at the first redirect or
 * auto-submitting form_post page that targets ANOTHER origin (the relying party's callback).
 * Each call is a fresh browser: no OP session carries over from an earlier call.
 * Throws when the OP answers anything else (an error page, an unknown screen).
 */
export async function authorizeAtOP(
  authorizationURL: string,
  options: AuthorizeAtOPOptions,
): Promise<AuthorizationRedirect | AuthorizationFormPost> {
  const opOrigin = new URL(authorizationURL).origin;
  const jar = new Map<string, Cookie>();
  let url = new URL(authorizationURL);
  let form: Record<string, string> | undefined;
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: { cookie: cookieHeader(jar, url) },
      body: form ? new URLSearchParams(form) : undefined,
    });
    storeCookies(jar, url, response.headers.getSetCookie());
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      form = undefined;
      if (url.origin !== opOrigin) return { method: "GET", url: url.href };
      continue;
    }
    const html = await response.text();
    const page = parseForm(html, url);
    // form_post answers 200, or 400 when it carries an error.
    if (page && page.action.origin !== opOrigin) {
      return { method: "POST", url: page.action.href, form: page.fields };
    }
    if (!response.ok || !page) {
      throw new Error(
        `authorizeAtOP: the OP answered ${response.status} at ${url.href}: ${html.slice(0, 500)}`,
      );
    }
    const cancel = options.deny || (page.fields.prompt === "consent" && options.consent === false);
    if (cancel) {
      url = abortURL(html, url);
      form = undefined;
    } else if (page.fields.prompt === "login") {
      url = page.action;
      form = { ...page.fields, login: options.login, password: "any password" };
    } else if (page.fields.prompt === "consent") {
      url = page.action;
      form = page.fields;
    } else {
      throw new Error(`authorizeAtOP: unknown screen at ${url.href}: ${html.slice(0, 500)}`);
    }
  }
  throw new Error(`authorizeAtOP: no hand-back to the relying party after ${MAX_STEPS} steps`);
}

/** The first form on the page: its action and its named inputs' values. */
function parseForm(html: string, base: URL): ParsedForm | undefined {
  const match = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!match) return undefined;
  const action = attributes(match[1]!).action;
  if (action === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const { name, value } = attributes(input[1]!);
    if (name !== undefined) fields[name] = value ?? "";
  }
  return { action: new URL(action, base), fields };
}

/** The dev screens' "[ Cancel ]" link (GET /interaction/<uid>/abort). */
function abortURL(html: string, base: URL): URL {
  const match = /<a href="([^"]*)">\[ Cancel \]<\/a>/.exec(html);
  if (!match) throw new Error(`authorizeAtOP: no Cancel link at ${base.href}`);
  return new URL(decodeEntities(match[1]!), base);
}

function attributes(tag: string): Record<string, string | undefined> {
  const found: Record<string, string | undefined> = {};
  for (const [, name, value] of tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) {
    found[name!.toLowerCase()] = value === undefined ? "" : decodeEntities(value);
  }
  return found;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, code: string) => {
    if (code[0] !== "#") return named[code.toLowerCase()] ?? entity;
    const point =
      code[1] === "x" || code[1] === "X" ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
    return String.fromCodePoint(point);
  });
}

/** Stores Set-Cookie lines by name and path (RFC 6265); an expired or emptied one is removed. */
function storeCookies(jar: Map<string, Cookie>, url: URL, setCookies: string[]): void {
  for (const line of setCookies) {
    const [pair = "", ...attributeParts] = line.split(";");
    const separator = pair.indexOf("=");
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    let path = url.pathname.slice(0, url.pathname.lastIndexOf("/")) || "/";
    let expired = false;
    for (const part of attributeParts) {
      const [key = "", ...rest] = part.split("=");
      const attributeValue = rest.join("=").trim();
      const attribute = key.trim().toLowerCase();
      if (attribute === "path" && attributeValue.startsWith("/")) path = attributeValue;
      if (attribute === "max-age" && Number(attributeValue) <= 0) expired = true;
      if (attribute === "expires" && Date.parse(attributeValue) <= Date.now()) expired = true;
    }
    const key = `${name};${path}`;
    if (expired) jar.delete(key);
    else jar.set(key, { name, value, path });
  }
}

/** The Cookie header for `url`: cookies whose path matches, longest path first. */
function cookieHeader(jar: Map<string, Cookie>, url: URL): string {
  const request = url.pathname;
  return [...jar.values()]
    .filter(({ path }) => {
      return (
        request === path || (request.startsWith(path) && (path.endsWith("/") || request[path.length] === "/"))
      );
    })
    .sort((a, b) => b.path.length - a.path.length)
    .map(({ name, value }) => `${name}=${value}`)
    .join("; ");
}

/**
 * Sign-ins through the real OP (`oidc-provider`, see oidc-provider.ts) against a Gatehouse
 * instance, over HTTP, in steps a test can tamper with: start at our API, walk the OP's dev
 * screens, hand the OP's answer back to our callback the way a browser would, and follow our own
 * redirects until the answer leaves our API.
 */
import { randomBytes } from "node:crypto";
import type { OAuthConfig } from "../../src/providers/types.js";
import {
  API,
  type CallResult,
  type Client,
  CookieJar,
  ORIGIN,
  SESSION_COOKIE,
  type TestAuth,
} from "../core/harness.js";
import {
  type AuthorizationFormPost,
  type AuthorizationRedirect,
  authorizeAtOP,
  type ClientKeyPair,
  generateClientKeyPair,
  type OidcAccount,
  type StartedOP,
  startOidcProvider,
} from "./oidc-provider.js";

/** Where the OP sends the browser back for the provider id "local". */
export const LOCAL_CALLBACK = `${API}/callback/local`;
export const LOCAL_SECRET = "local-op-client-secret-0123456789abcdef";

/** Client ids registered at the OP by {@link startLocalOP}. */
export const CLIENTS = {
  /** client_secret_basic, may refresh. */
  basic: "gatehouse",
  /** client_secret_post only, may refresh. */
  post: "gatehouse-post",
  /** private_key_jwt only (the public key of {@link LocalOP.clientKeys}). */
  jwt: "gatehouse-jwt",
  /** Another relying party at the same OP (its ID tokens are not for us). */
  other: "someone-else",
} as const;

/** An OP with our clients registered, and helpers to configure Gatehouse against it. */
export interface LocalOP {
  op: StartedOP;
  clientKeys: ClientKeyPair;
  /** The provider "local" as an inline OIDC config (client_secret_basic), with overrides. */
  config(overrides?: Partial<OAuthConfig>): OAuthConfig;
  /** Adds an end-user with a fresh sub and email (`<sub>@op.example`), email verified unless overridden. */
  account(overrides?: Partial<OidcAccount>): OidcAccount;
  close(): Promise<void>;
}

/** Starts the OP on 127.0.0.1 with the clients of {@link CLIENTS}. */
export async function startLocalOP(): Promise<LocalOP> {
  const clientKeys = await generateClientKeyPair();
  const redirect_uris = [LOCAL_CALLBACK];
  const grant_types = ["authorization_code", "refresh_token"];
  const op = await startOidcProvider({
    clients: [
      { client_id: CLIENTS.basic, client_secret: LOCAL_SECRET, redirect_uris, grant_types },
      {
        client_id: CLIENTS.post,
        client_secret: LOCAL_SECRET,
        token_endpoint_auth_method: "client_secret_post",
        redirect_uris,
        grant_types,
      },
      {
        client_id: CLIENTS.jwt,
        token_endpoint_auth_method: "private_key_jwt",
        jwks: { keys: [clientKeys.publicJwk] },
        redirect_uris,
        grant_types,
      },
      { client_id: CLIENTS.other, client_secret: LOCAL_SECRET, redirect_uris },
    ],
  });
  return {
    op,
    clientKeys,
    config: (overrides = {}) => ({
      id: "local",
      name: "Local OP",
      type: "oidc",
      issuer: op.issuer,
      clientId: CLIENTS.basic,
      clientSecret: LOCAL_SECRET,
      scope: ["openid", "email", "profile"],
      ...overrides,
    }),
    account: (overrides = {}) => {
      const sub = overrides.sub ?? `u-${randomBytes(6).toString("hex")}`;
      const account: OidcAccount = {
        sub,
        email: `${sub}@op.example`,
        email_verified: true,
        name: `User ${sub}`,
        ...overrides,
      };
      op.accounts.set(sub, account);
      return account;
    },
    close: () => op.close(),
  };
}

export type HandBack = AuthorizationRedirect | AuthorizationFormPost;

/** What our API answered along one sign-in. */
export interface Delivery {
  /** Our first answer to the OP's hand-back. */
  callback: CallResult;
  /** Our last answer: a redirect that leaves our API (the app's callbackURL or the error target). */
  final: CallResult;
}

export interface OPFlow extends Delivery {
  /** Our answer to the start, with the provider URL it sent the browser to. */
  start: Started;
  handBack: HandBack;
}

export interface StartBody {
  provider?: string;
  callbackURL?: string;
  errorCallbackURL?: string;
  newUserCallbackURL?: string;
  scopes?: string[];
}

export type Started = CallResult & { url: string };

/** POSTs the start of a sign-in (or a link) to our API; throws unless it answers a provider URL. */
export async function startAt(
  client: Client,
  body: StartBody = {},
  path: "/sign-in/social" | "/link-social" = "/sign-in/social",
): Promise<Started> {
  const start = await client.post(path, { provider: "local", callbackURL: "/dashboard", ...body });
  if (start.status !== 200 || typeof start.body?.url !== "string")
    throw new Error(`${path} answered ${start.status}: ${JSON.stringify(start.body)}`);
  return Object.assign(start, { url: start.body.url as string });
}

const isRedirect = (status: number): boolean => status >= 300 && status < 400;

/**
 * Hands the OP's answer to our callback as a browser would: a GET with our cookies, or for
 * form_post a cross-site POST from `opOrigin` that carries no cookies (SameSite=Lax); then our redirects are
 * followed while they stay in our API and are not the error page.
 */
export async function deliver(client: Client, handBack: HandBack, opOrigin = "null"): Promise<Delivery> {
  const callback =
    handBack.method === "GET"
      ? await client.get(handBack.url)
      : await client.request("POST", handBack.url, {
          form: handBack.form,
          jar: new CookieJar(),
          headers: { origin: opOrigin },
        });
  let final = callback;
  for (let hops = 0; hops < 5 && isRedirect(final.status); hops++) {
    const next = new URL(final.headers.get("location") ?? "", client.base);
    if (!next.href.startsWith(`${client.base}/`) || next.href.startsWith(`${client.base}/error`)) break;
    final = await client.get(next.href);
  }
  return { callback, final };
}

/** A whole sign-in (or link) through the OP as the end-user `login`. */
export async function signInAtOP(
  client: Client,
  options: {
    login: string;
    body?: StartBody;
    path?: "/sign-in/social" | "/link-social";
    deny?: boolean;
  },
): Promise<OPFlow> {
  const start = await startAt(client, options.body, options.path);
  const handBack = await authorizeAtOP(start.url, { login: options.login, deny: options.deny });
  return { start, handBack, ...(await deliver(client, handBack, new URL(start.url).origin)) };
}

/** Where a final redirect points, resolved against the app's origin. */
export function locationOf(result: CallResult): URL {
  const location = result.headers.get("location");
  if (!isRedirect(result.status) || !location)
    throw new Error(`expected a redirect, got ${result.status}: ${JSON.stringify(result.body)}`);
  return new URL(location, ORIGIN);
}

/** The `error` parameter of a final redirect (null on success). */
export function errorOf(result: CallResult): string | null {
  return locationOf(result).searchParams.get("error");
}

/** Whether any of these answers set a (non-empty) session cookie. */
export function setsSession(...results: CallResult[]): boolean {
  return results.some((r) =>
    r.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`) && !/^[^=]+=;/.test(line)),
  );
}

/** Row counts of the models a sign-in writes. */
export async function counts(auth: TestAuth): Promise<{ users: number; accounts: number; sessions: number }> {
  const { adapter } = auth.$context;
  return {
    users: await adapter.count({ model: "user" }),
    accounts: await adapter.count({ model: "account" }),
    sessions: await adapter.count({ model: "session" }),
  };
}

/**
 * Drives a whole OAuth sign-in the way a browser would: ask our API to start it, visit the
 * provider's authorization URL, carry its answer back to our callback (a redirect, or an
 * auto-submitting form for `response_mode=form_post`), and follow our own redirects until the
 * answer leaves our API.
 */
import type { OAuthConfig } from "../../src/providers/types.js";
import { type CallResult, Client, makeAuth } from "../core/harness.js";

export interface OAuthFlowResult {
  start: CallResult;
  authorizationURL: URL;
  /** The first answer of our callback endpoint. */
  callback: CallResult;
  /** The final answer of our server: a 302 to callbackURL on success, or to the error URL. */
  final: CallResult;
}

export interface SignInBody {
  provider: string;
  callbackURL?: string;
  errorCallbackURL?: string;
  newUserCallbackURL?: string;
  scopes?: string[];
  loginHint?: string;
}

/** An auto-submitting form in a provider's page (form_post), with its hidden fields. */
export interface PostedForm {
  action: string;
  fields: Record<string, string>;
}

const decodeEntities = (value: string): string =>
  value.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) =>
    e === "amp" ? "&" : e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : "'",
  );

/** Reads the first `<form method="post">` of an HTML page. */
export function parsePostForm(html: string): PostedForm | undefined {
  const form = html.match(/<form\b[^>]*\bmethod="post"[^>]*>([\s\S]*?)<\/form>/i);
  if (!form) return undefined;
  const action = form[0].match(/\baction="([^"]*)"/i)?.[1];
  if (action === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const input of form[1]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = input[0].match(/\bname="([^"]*)"/i)?.[1];
    const value = input[0].match(/\bvalue="([^"]*)"/i)?.[1] ?? "";
    if (name !== undefined) fields[decodeEntities(name)] = decodeEntities(value);
  }
  return { action: decodeEntities(action), fields };
}

const isRedirect = (status: number): boolean => status >= 300 && status < 400;

/**
 * Signs in (or links, with `path: "/link-social"`) through the provider behind `body.provider`.
 * When the start is refused, `callback` and `final` are the start's answer.
 */
export async function signInWithProvider(
  client: Client,
  body: SignInBody,
  options: { path?: "/sign-in/social" | "/link-social" } = {},
): Promise<OAuthFlowResult> {
  const start = await client.post(options.path ?? "/sign-in/social", body);
  if (start.status !== 200 || typeof start.body?.url !== "string")
    return { start, authorizationURL: new URL("about:blank"), callback: start, final: start };
  const authorizationURL = new URL(start.body.url);

  const atProvider = await fetch(authorizationURL, { redirect: "manual" });
  let callback: CallResult;
  if (isRedirect(atProvider.status)) {
    const location = atProvider.headers.get("location");
    if (!location) throw new Error(`provider answered ${atProvider.status} without a Location`);
    callback = await client.get(new URL(location, authorizationURL).href);
  } else {
    const page = await atProvider.text();
    const form = atProvider.status === 200 ? parsePostForm(page) : undefined;
    if (!form) throw new Error(`provider refused the authorization request (${atProvider.status}): ${page}`);
    callback = await client.request("POST", new URL(form.action, authorizationURL).href, {
      form: form.fields,
      headers: { origin: authorizationURL.origin },
    });
  }

  let final = callback;
  for (let hops = 0; hops < 5 && isRedirect(final.status); hops++) {
    const location = final.headers.get("location");
    if (!location) break;
    const next = new URL(location, client.base);
    // Our own API only, and not the error page: a failed sign-in ends at the redirect to it.
    if (
      !next.href.startsWith(`${client.base}/`) ||
      next.pathname === new URL(`${client.base}/error`).pathname
    )
      break;
    final = await client.get(next.href);
  }
  return { start, authorizationURL, callback, final };
}

/** What a provider test looks at after a sign-in. */
export interface ProviderSignIn {
  client: Client;
  flow: OAuthFlowResult;
  /** `user` of GET /get-session (null when the sign-in failed). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  user: any;
  /** GET /list-accounts (the error body when signed out). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  accounts: any;
}

/**
 * Signs in through `provider` (already pointed at a stand-in) on a fresh auth instance, then
 * reads the session's user and the linked accounts.
 */
export async function signInThrough<Profile>(
  provider: OAuthConfig<Profile>,
  body: Partial<SignInBody> = {},
): Promise<ProviderSignIn> {
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, {
    provider: provider.id,
    callbackURL: "/dashboard",
    ...body,
  });
  const session = await client.getSession();
  const accounts = await client.get("/list-accounts");
  return { client, flow, user: session.body?.user ?? null, accounts: accounts.body };
}

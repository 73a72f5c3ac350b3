import { z } from "../../core/zod.js";
import type { AuthContext } from "../../core/context.js";
import { linkBaseURL } from "../../core/call.js";
import { defineEndpoint, type EndpointContext } from "../../core/endpoint.js";
import { AuthError } from "../../core/errors.js";
import type { Plugin } from "../../core/plugin.js";
import { renderConfirmPage } from "../../dialects/browser/pages/confirm.js";
import { pageResponse } from "../../dialects/browser/pages/response.js";
import { createPageNonce } from "../../dialects/browser/pages/security-headers.js";
import {
  assertSafeMagicLinkCallbacks,
  MAGIC_LINK_ERROR_CODES,
  type MagicLinkCallbacks,
  previewMagicLink,
  sendMagicLink,
  verifyMagicLink,
} from "../../flows/magic-link.js";
import { userJSON } from "../../flows/password.js";
import { type MagicLinkOptions, resolveMagicLinkOptions } from "./options.js";
import { urlField } from "../../dialects/url-field.js";

const SIGN_IN_PATH = "/sign-in/magic-link";
const VERIFY_PATH = "/magic-link/verify";

const email = z.pipe(z.string().check(z.trim(), z.maxLength(320)), z.email({ error: "Invalid email" }));
const url = urlField;
const token = z.string().check(z.minLength(1), z.maxLength(512));
const callbacks = {
  callbackURL: z.optional(url),
  newUserCallbackURL: z.optional(url),
  errorCallbackURL: z.optional(url),
};

/**
 * Better Auth's `error` values on redirects where they differ from the JSON codes (its
 * redirects say `new_user_signup_disabled`; JSON answers keep SCREAMING_SNAKE codes).
 */
const REDIRECT_CODES: Readonly<Record<string, string>> = {
  NEW_USER_SIGNUP_DISABLED: "new_user_signup_disabled",
  FAILED_TO_CREATE_USER: "failed_to_create_user",
};

/** `target` with `?error=CODE`; a relative target stays relative. */
function withError(target: string, error: AuthError): string {
  const code = REDIRECT_CODES[error.code] ?? String(error.code);
  const placeholder = "http://placeholder.invalid";
  const url = new URL(target, placeholder);
  url.searchParams.set("error", code);
  return url.origin === placeholder ? url.pathname + url.search + url.hash : url.href;
}

/**
 * Where a browser caller goes next: `callbackURL`, unless the caller gave none or asks for
 * JSON and not HTML (then `undefined`: it gets JSON).
 */
function browserTarget(
  ctx: EndpointContext<unknown, unknown>,
  callbackURL: string | undefined,
): string | undefined {
  if (!callbackURL) return undefined;
  const accept = ctx.headers.get("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html") ? undefined : callbackURL;
}

/** The callback URLs that were given, as form fields or query parameters. */
function givenCallbacks(input: MagicLinkCallbacks): Record<string, string> {
  const out: Record<string, string> = {};
  if (input.callbackURL) out.callbackURL = input.callbackURL;
  if (input.newUserCallbackURL) out.newUserCallbackURL = input.newUserCallbackURL;
  if (input.errorCallbackURL) out.errorCallbackURL = input.errorCallbackURL;
  return out;
}

/**
 * Passwordless sign-in by emailed link, wire-compatible with Better Auth's `magicLink` plugin
 * (`authClient.signIn.magicLink` works unchanged):
 *
 * - `POST /sign-in/magic-link` `{ email, name?, callbackURL?, newUserCallbackURL?,
 *   errorCallbackURL?, metadata? }` → `{ status: true }`, the same whether or not a user has
 *   the email. The link (single use, `expiresIn` seconds, only its SHA-256 stored) goes to
 *   `sendMagicLink` or, without it, out as the built-in email through the instance's mailer.
 * - `GET /magic-link/verify?token=…&callbackURL=…` answers a confirmation page and uses
 *   nothing up: its button POSTs the token back. A dead link redirects to
 *   `errorCallbackURL ?? callbackURL` with `?error=INVALID_TOKEN` or `EXPIRED_TOKEN`.
 * - `POST /magic-link/verify` `{ token, callbackURL?, newUserCallbackURL?, errorCallbackURL? }`
 *   (form or JSON; the token may also come as a query parameter) uses the link: creates the
 *   user if new (`emailVerified: true`; refused with `disableSignUp`), verifies an existing
 *   user's email, signs in, then redirects to `callbackURL` (`newUserCallbackURL` for a new
 *   user). Callers that give no callbackURL or send `Accept: application/json` get
 *   `{ token, user, session }` instead, and errors as `{ code, message }` with a 4xx status.
 *
 * Differences from Better Auth:
 * - Better Auth's `GET /magic-link/verify` signs in at once, so a mail scanner that follows
 *   the link spends it (or signs itself in). Here the GET only shows the confirmation page;
 *   the sign-in is the page's POST. `authClient.magicLink.verify({ token })` (which POSTs)
 *   works; `authClient.magicLink.verify({ query: { token } })` (a GET) gets the page.
 * - Tokens are always stored hashed (Better Auth's `storeToken: "hashed"`); `generateToken`
 *   and `storeToken` are not offered.
 * - An expired link answers `EXPIRED_TOKEN` (Better Auth up to 1.6; 1.7 says `INVALID_TOKEN`).
 * - As in Better Auth 1.7, a link that verifies an unverified user first removes that
 *   user's accounts (password, OAuth links) and sessions: whoever registered the address
 *   before its owner proved control must not keep a way in.
 */
export function magicLink(options: MagicLinkOptions = {}) {
  const resolved = resolveMagicLinkOptions(options);
  const { window, max } = resolved.rateLimit;

  return {
    id: "magic-link" as const,
    rateLimit: [
      { path: SIGN_IN_PATH, window, max },
      // Opening a link takes two requests on this path: the page and its POST.
      { path: VERIFY_PATH, window, max: max * 2 },
    ],
    errorCodes: MAGIC_LINK_ERROR_CODES,
    init(context: AuthContext) {
      if (!resolved.sendMagicLink && context.production && !context.mailer.configured)
        throw new TypeError(
          "magicLink: links cannot be sent: set email.transport in createAuth, or pass magicLink({ sendMagicLink })",
        );
    },
    endpoints: {
      signInMagicLink: defineEndpoint({
        method: "POST",
        path: SIGN_IN_PATH,
        summary: "Email a sign-in link",
        body: z.object({
          email,
          // Stored on the user the link creates; PostgreSQL cannot store a NUL (a 500 at verify).
          name: z.optional(
            z.string().check(
              z.trim(),
              z.maxLength(256),
              z.refine((v) => !v.includes("\u0000"), "must not contain NUL characters"),
            ),
          ),
          ...callbacks,
          metadata: z.optional(z.record(z.string(), z.unknown())),
        }),
        handler: (ctx) =>
          sendMagicLink(
            ctx,
            {
              ...ctx.body,
              // As in Better Auth, the link always names where to go: the app's root by default.
              callbackURL: ctx.body.callbackURL || "/",
              verifyURL: `${linkBaseURL(ctx)}${VERIFY_PATH}`,
            },
            resolved,
          ),
      }),
      magicLinkVerifyPage: defineEndpoint({
        method: "GET",
        path: VERIFY_PATH,
        summary: "Confirmation page of a sign-in link (uses nothing up)",
        query: z.object({ token, ...callbacks }),
        async handler(ctx) {
          const query = ctx.query;
          assertSafeMagicLinkCallbacks(ctx, query);
          const preview = await previewMagicLink(ctx, query.token);
          if (!preview.ok) {
            const target = query.errorCallbackURL || query.callbackURL || `${ctx.apiURL}/error`;
            return ctx.redirect(withError(target, preview.error));
          }
          const page = renderConfirmPage({
            appName: ctx.auth.appName,
            theme: resolved.theme,
            nonce: createPageNonce(),
            action: `${ctx.apiURL}${VERIFY_PATH}`,
            hidden: { token: query.token, ...givenCallbacks(query) },
            email: preview.email,
          });
          return pageResponse(page);
        },
      }),
      magicLinkVerify: defineEndpoint({
        method: "POST",
        path: VERIFY_PATH,
        summary: "Use a sign-in link: sign in (creating the user if new)",
        body: z.object({ token: z.optional(token), ...callbacks }),
        query: z.object({ token: z.optional(token), ...callbacks }),
        async handler(ctx) {
          // Better Auth's server calls pass the token as a query parameter; the page posts a form.
          const input = { ...ctx.query, ...ctx.body };
          if (!input.token)
            throw new AuthError(400, "VALIDATION_ERROR", {
              message: "[body.token] Required",
              details: { field: "body.token" },
            });
          assertSafeMagicLinkCallbacks(ctx, input);
          const callbackURL = browserTarget(ctx, input.callbackURL);
          const result = await verifyMagicLink(ctx, input.token, resolved);
          if (!result.ok) {
            if (!callbackURL) throw result.error;
            return ctx.redirect(withError(input.errorCallbackURL || callbackURL, result.error));
          }
          if (!callbackURL)
            return { token: result.token, user: userJSON(ctx, result.user), session: result.session };
          const target =
            result.isNewUser && input.newUserCallbackURL ? input.newUserCallbackURL : callbackURL;
          return ctx.redirect(target);
        },
      }),
    },
  } satisfies Plugin;
}

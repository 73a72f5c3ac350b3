import { z } from "../../core/zod.js";
import { linkBaseURL } from "../../core/call.js";
import type { EndpointContext, Redirect } from "../../core/endpoint.js";
import { createMailer } from "../../email/mailer.js";
import { magicLinkEmail } from "../../email/templates.js";
import type { Mailer, MailTransport } from "../../email/types.js";
import { previewMagicLink, sendMagicLink, verifyMagicLink } from "../../flows/magic-link.js";
import { normalizeEmail } from "../../flows/password.js";
import type { UserRecord } from "../../core/types.js";
import type { EmailConfig } from "../../providers/types.js";
import { renderConfirmPage } from "./pages/index.js";
import {
  allowSignIn,
  csrf,
  field,
  pageBase,
  pageURL,
  redirectToError,
  safeRedirect,
  sendPage,
  tellEvent,
  trustedFormPost,
} from "./support.js";

type Ctx = EndpointContext<unknown, unknown>;

const mailers = new WeakMap<EmailConfig, Mailer>();

/** The mailer of an Email provider with its own `server`, else the instance's. */
function mailerFor(ctx: Ctx, provider: EmailConfig): Mailer {
  if (provider.server === undefined) return ctx.auth.mailer;
  let mailer = mailers.get(provider);
  if (!mailer) {
    mailer = createMailer({
      from: provider.from ?? ctx.auth.options.email?.from ?? `${ctx.auth.appName} <no-reply@localhost>`,
      transport: provider.server as MailTransport,
      logger: ctx.auth.logger,
      production: ctx.auth.production,
    });
    mailers.set(provider, mailer);
  }
  return mailer;
}

/**
 * Asks `callbacks.signIn` about an email sign-in, as Auth.js does both before the link is sent
 * and when it is used: the user with that email, or (not yet signed up) one standing in for it.
 * Returns where to send the browser instead, or undefined to go on.
 */
async function refusal(ctx: Ctx, providerId: string, address: string): Promise<Redirect | undefined> {
  if (!ctx.auth.options.callbacks?.signIn) return undefined;
  const email = normalizeEmail(address);
  const stored = (await ctx.auth.store.findOne("user", [
    { field: "email", value: email },
  ])) as UserRecord | null;
  const now = new Date();
  const user = stored ?? {
    id: email,
    name: "",
    email,
    emailVerified: false,
    image: null,
    createdAt: now,
    updatedAt: now,
  };
  const verdict = await allowSignIn(ctx, {
    user,
    account: { provider: providerId, providerAccountId: email, type: "email", userId: user.id },
  });
  if (verdict === false) return redirectToError(ctx, "AccessDenied");
  if (typeof verdict === "string") return ctx.redirect(await safeRedirect(ctx, verdict));
  return undefined;
}

/** `POST /signin/<email provider>`: sends the link, then shows "check your email". */
export async function emailSignIn(
  ctx: Ctx,
  providerId: string,
  email: string | undefined,
  callbackUrl: string,
): Promise<Redirect> {
  const provider = ctx.auth.emailProviders.get(providerId) as EmailConfig;
  const address = (email ?? "").trim();
  if (!z.email().check(z.maxLength(320)).safeParse(address).success)
    return redirectToError(ctx, "EmailSignin");
  const refused = await refusal(ctx, providerId, address);
  if (refused) return refused;
  const expiresIn = provider.maxAge ?? 24 * 60 * 60;
  try {
    await sendMagicLink(
      ctx,
      { email: address, callbackURL: callbackUrl, verifyURL: `${linkBaseURL(ctx)}/callback/${providerId}` },
      {
        expiresIn,
        sendMagicLink: async ({ email: to, url, token }, request) => {
          if (provider.sendVerificationRequest) {
            await provider.sendVerificationRequest({
              identifier: to,
              url,
              token,
              expires: new Date(Date.now() + expiresIn * 1000),
              provider: { id: provider.id, from: provider.from },
              request,
            });
            return;
          }
          await mailerFor(ctx, provider).send({
            to,
            ...(provider.from ? { from: provider.from } : {}),
            ...magicLinkEmail({ url, user: { email: to }, appName: ctx.auth.appName, expiresIn }),
          });
        },
      },
    );
  } catch (error) {
    ctx.auth.logger.warn("gatehouse: could not send the sign-in email", error);
    return redirectToError(ctx, "EmailSignin");
  }
  const target = new URL(pageURL(ctx, "verifyRequest"));
  target.searchParams.set("provider", providerId);
  target.searchParams.set("type", "email");
  return ctx.redirect(target.href);
}

/**
 * `/callback/<email provider>`: a GET (what a mail scanner does too) only shows a confirmation
 * page; its button POSTs the token back with the CSRF token, and that signs the user in.
 */
export async function emailCallback(ctx: Ctx, providerId: string): Promise<unknown> {
  const q = (ctx.query as Record<string, string> | undefined) ?? {};
  if (ctx.request?.method !== "POST") {
    const token = q.token ?? "";
    const preview = await previewMagicLink(ctx, token);
    if (!preview.ok) return redirectToError(ctx, "Verification");
    const { token: csrfToken } = csrf(ctx);
    const callbackUrl = await safeRedirect(ctx, q.callbackURL ?? q.callbackUrl);
    return sendPage(ctx, (nonce) =>
      renderConfirmPage({
        ...pageBase(ctx),
        nonce,
        action: `${ctx.apiURL}/callback/${providerId}`,
        hidden: { token, csrfToken, callbackUrl },
        email: preview.email,
      }),
    );
  }
  if (!trustedFormPost(ctx)) return redirectToError(ctx, "MissingCSRF");
  const token = field(ctx.body, "token") ?? "";
  if (ctx.auth.options.callbacks?.signIn) {
    const preview = await previewMagicLink(ctx, token);
    if (!preview.ok) return redirectToError(ctx, "Verification");
    const refused = await refusal(ctx, providerId, preview.email);
    if (refused) return refused;
  }
  const result = await verifyMagicLink(ctx, token, { disableSignUp: false });
  if (!result.ok) return redirectToError(ctx, "Verification");
  await tellEvent(ctx, "signIn", {
    user: result.user,
    account: {
      provider: providerId,
      providerAccountId: result.user.email,
      type: "email",
      userId: result.user.id,
    },
    isNewUser: result.isNewUser,
  });
  return ctx.redirect(await safeRedirect(ctx, field(ctx.body, "callbackUrl")));
}

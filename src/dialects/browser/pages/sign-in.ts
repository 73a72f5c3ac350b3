import { buttonColors } from "./colors.js";
import { escapeHtml, hiddenInput } from "./html.js";
import { renderLayout } from "./layout.js";
import { safeImageUrl, safeLinkUrl } from "./safe-url.js";
import type { PageBaseProps, RenderedPage } from "./types.js";

/** The kinds of provider the sign-in page knows how to offer. */
export type SignInProviderType = "oauth" | "oidc" | "email" | "credentials";

/** One field of a credentials provider, as declared in `Credentials({ credentials: { ... } })`. */
export interface CredentialsField {
  /** Defaults to the field's name. */
  readonly label?: string | undefined;
  /** An input type; anything other than text, password, email, tel, number or url becomes text. */
  readonly type?: string | undefined;
  readonly placeholder?: string | undefined;
}

/** A provider's button look; invalid colours and URLs are ignored. */
export interface SignInProviderStyle {
  /** An https URL or a path on this site; decorative. */
  readonly logo?: string | undefined;
  /** `#rgb` or `#rrggbb`. */
  readonly bg?: string | undefined;
  /** `#rgb` or `#rrggbb`; kept only when it reaches 4.5:1 against `bg`. */
  readonly text?: string | undefined;
}

/** A provider as the sign-in page offers it. */
export interface SignInProvider {
  readonly id: string;
  readonly name: string;
  readonly type: SignInProviderType;
  /** Where the provider's form posts (OAuth, OIDC, email). A provider with an unsafe URL is left out. */
  readonly signinURL: string;
  /** Where a credentials provider's form posts. A credentials provider without a safe one is left out. */
  readonly callbackURL?: string | undefined;
  readonly style?: SignInProviderStyle | undefined;
  /** The fields of a credentials provider, in order. */
  readonly credentials?: Readonly<Record<string, CredentialsField>> | undefined;
}

/** The Auth.js error codes the sign-in page explains; any other value shows the `default` message. */
export type SignInErrorCode =
  | "Signin"
  | "OAuthSignin"
  | "OAuthCallbackError"
  | "OAuthCreateAccount"
  | "EmailCreateAccount"
  | "Callback"
  | "OAuthAccountNotLinked"
  | "EmailSignin"
  | "CredentialsSignin"
  | "SessionRequired"
  | "default";

/** Props of {@link renderSignInPage}. */
export interface SignInPageProps extends PageBaseProps {
  readonly providers: readonly SignInProvider[];
  /** Posted back with every form. */
  readonly csrfToken: string;
  /** Posted back with every form when it is a path on this site or an http(s) URL; dropped otherwise. */
  readonly callbackUrl?: string | undefined;
  /** An Auth.js error code from the query string; unknown values show a generic message. */
  readonly error?: string | undefined;
  /** Prefills the email fields. */
  readonly email?: string | undefined;
  /** Shows a name / email / password sign-up form posting to `action` (when email + password is on). */
  readonly signUp?: { readonly action: string } | undefined;
}

const SIGN_IN_ERRORS: Readonly<Record<SignInErrorCode, string>> = {
  Signin: "We could not start signing you in. Try again, or choose another way to sign in.",
  OAuthSignin: "We could not reach the sign-in provider. Try again, or choose another way to sign in.",
  OAuthCallbackError:
    "The sign-in provider's answer could not be completed. Try again, or choose another way to sign in.",
  OAuthCreateAccount: "We could not create an account from that sign-in. Choose another way to sign in.",
  EmailCreateAccount: "We could not create an account for that email address. Choose another way to sign in.",
  Callback: "Something went wrong while finishing your sign-in. Try again, or choose another way to sign in.",
  OAuthAccountNotLinked:
    "That email address already belongs to an account that signs in another way. To prove it is you, sign in the way you did before.",
  EmailSignin: "We could not send the sign-in email. Check the address and try again.",
  CredentialsSignin: "Sign-in failed. Check that the details you entered are correct.",
  SessionRequired: "Please sign in to see that page.",
  default: "Sign-in did not work. Please try again.",
};

/** Maps any value to a known sign-in error code; own properties only, so `constructor` is `default`. */
export function signInErrorCode(error: string | undefined): SignInErrorCode | undefined {
  if (error === undefined || error === "") return undefined;
  return Object.hasOwn(SIGN_IN_ERRORS, error) ? (error as SignInErrorCode) : "default";
}

const ERROR_ID = "signin-error";
const INPUT_TYPES = new Set(["text", "password", "email", "tel", "number", "url"]);

/** Which inputs an error is about, so they can point at it with aria-describedby. */
interface ErrorTarget {
  readonly email: boolean;
  readonly credentials: boolean;
}

function errorTarget(code: SignInErrorCode | undefined): ErrorTarget {
  return {
    email: code === "EmailSignin" || code === "EmailCreateAccount",
    credentials: code === "CredentialsSignin",
  };
}

function describedBy(linked: boolean): string {
  return linked ? ` aria-describedby="${ERROR_ID}" aria-invalid="true"` : "";
}

interface FormContext {
  readonly csrfToken: string;
  readonly callbackUrl: string | undefined;
  readonly email: string | undefined;
  readonly errors: ErrorTarget;
}

function commonHidden(context: FormContext): string {
  return (
    hiddenInput("csrfToken", context.csrfToken) +
    (context.callbackUrl === undefined ? "" : hiddenInput("callbackUrl", context.callbackUrl))
  );
}

function providerLogo(provider: SignInProvider): string {
  const logo = safeImageUrl(provider.style?.logo);
  return logo === undefined ? "" : `<img src="${escapeHtml(logo)}" alt="">`;
}

/** A rendered provider: its form, and a CSS rule for its button colours if it has any. */
interface ProviderBlock {
  readonly html: string;
  readonly css: string;
  readonly hasFields: boolean;
}

function oauthBlock(
  provider: SignInProvider,
  index: number,
  context: FormContext,
): ProviderBlock | undefined {
  const action = safeLinkUrl(provider.signinURL);
  if (action === undefined) return undefined;
  const colors = buttonColors(provider.style?.bg, provider.style?.text);
  const className = `provider-${index}`;
  const css =
    colors === undefined
      ? ""
      : `.${className}{background:${colors.background};color:${colors.text};border-color:var(--control)}`;
  const buttonClass = colors === undefined ? `button secondary ${className}` : `button ${className}`;
  const html =
    `<form method="post" action="${escapeHtml(action)}">${commonHidden(context)}` +
    `<button type="submit" class="${buttonClass}">${providerLogo(provider)}` +
    `<span>Sign in with ${escapeHtml(provider.name)}</span></button></form>`;
  return { html, css, hasFields: false };
}

function emailBlock(
  provider: SignInProvider,
  index: number,
  context: FormContext,
): ProviderBlock | undefined {
  const action = safeLinkUrl(provider.signinURL);
  if (action === undefined) return undefined;
  const id = `p${index}-email`;
  const value = context.email === undefined ? "" : ` value="${escapeHtml(context.email)}"`;
  const html =
    `<form method="post" action="${escapeHtml(action)}">${commonHidden(context)}` +
    `<label for="${id}">Email</label>` +
    `<input id="${id}" name="email" type="email" autocomplete="email" required${value}` +
    `${describedBy(context.errors.email)}>` +
    `<button type="submit" class="button">${providerLogo(provider)}` +
    `<span>Sign in with ${escapeHtml(provider.name)}</span></button></form>`;
  return { html, css: "", hasFields: true };
}

function autocompleteFor(name: string, type: string): string {
  if (type === "password") return ' autocomplete="current-password"';
  if (type === "email" || name === "email") return ' autocomplete="email"';
  if (name === "username") return ' autocomplete="username"';
  return "";
}

function credentialsBlock(
  provider: SignInProvider,
  index: number,
  context: FormContext,
): ProviderBlock | undefined {
  const action = safeLinkUrl(provider.callbackURL);
  if (action === undefined) return undefined;
  const fields = Object.entries(provider.credentials ?? {}).map(([name, field], fieldIndex) => {
    const id = `p${index}-f${fieldIndex}`;
    const type = field.type !== undefined && INPUT_TYPES.has(field.type) ? field.type : "text";
    const placeholder =
      field.placeholder === undefined ? "" : ` placeholder="${escapeHtml(field.placeholder)}"`;
    return (
      `<label for="${id}">${escapeHtml(field.label ?? name)}</label>` +
      `<input id="${id}" name="${escapeHtml(name)}" type="${type}"${autocompleteFor(name, type)}${placeholder}` +
      `${describedBy(context.errors.credentials)}>`
    );
  });
  const html =
    `<form method="post" action="${escapeHtml(action)}">${commonHidden(context)}${fields.join("")}` +
    `<button type="submit" class="button">${providerLogo(provider)}` +
    `<span>Sign in with ${escapeHtml(provider.name)}</span></button></form>`;
  return { html, css: "", hasFields: true };
}

function providerBlock(
  provider: SignInProvider,
  index: number,
  context: FormContext,
): ProviderBlock | undefined {
  switch (provider.type) {
    case "oauth":
    case "oidc":
      return oauthBlock(provider, index, context);
    case "email":
      return emailBlock(provider, index, context);
    case "credentials":
      return credentialsBlock(provider, index, context);
    default:
      return undefined;
  }
}

function signUpSection(action: string, context: FormContext): string {
  const value = context.email === undefined ? "" : ` value="${escapeHtml(context.email)}"`;
  return (
    '<section aria-labelledby="signup-heading"><h2 id="signup-heading">Create an account</h2>' +
    `<form method="post" action="${escapeHtml(action)}">${commonHidden(context)}` +
    '<label for="signup-name">Name</label>' +
    '<input id="signup-name" name="name" type="text" autocomplete="name" required>' +
    '<label for="signup-email">Email</label>' +
    `<input id="signup-email" name="email" type="email" autocomplete="email" required${value}>` +
    '<label for="signup-password">Password</label>' +
    '<input id="signup-password" name="password" type="password" autocomplete="new-password" required>' +
    '<button type="submit" class="button">Create account</button></form></section>'
  );
}

const DIVIDER = '<p class="divider">or</p>';

/**
 * Renders the sign-in page: a button per OAuth/OIDC provider, an email form per email
 * provider, the declared fields of each credentials provider, and a sign-up form when
 * `signUp` is given. Every form posts `csrfToken` (and `callbackUrl` when it is safe). A
 * provider whose form target is not a path on this site or an http(s) URL is left out.
 *
 * @throws {TypeError} When `nonce` is not a valid nonce.
 */
export function renderSignInPage(props: SignInPageProps): RenderedPage {
  const code = signInErrorCode(props.error);
  const context: FormContext = {
    csrfToken: props.csrfToken,
    callbackUrl: safeLinkUrl(props.callbackUrl),
    email: props.email,
    errors: errorTarget(code),
  };
  const blocks = props.providers
    .map((provider, index) => providerBlock(provider, index, context))
    .filter((block): block is ProviderBlock => block !== undefined);
  const parts: string[] = [];
  blocks.forEach((block, index) => {
    const previous = blocks[index - 1];
    if (previous !== undefined && (previous.hasFields || block.hasFields)) parts.push(DIVIDER);
    parts.push(block.html);
  });
  const signUpAction = safeLinkUrl(props.signUp?.action);
  if (signUpAction !== undefined) {
    if (parts.length > 0) parts.push(DIVIDER);
    parts.push(signUpSection(signUpAction, context));
  }
  if (parts.length === 0) parts.push('<p class="muted center">No sign-in methods are available.</p>');
  const alert =
    code === undefined
      ? ""
      : `<div class="alert" role="alert" id="${ERROR_ID}"><p>${escapeHtml(SIGN_IN_ERRORS[code])}</p></div>`;
  return renderLayout({
    appName: props.appName,
    theme: props.theme,
    nonce: props.nonce,
    title: "Sign in",
    bodyHtml: `<h1>Sign in to ${escapeHtml(props.appName)}</h1>${alert}${parts.join("")}`,
    extraStyles: blocks.map((block) => block.css).join(""),
  });
}

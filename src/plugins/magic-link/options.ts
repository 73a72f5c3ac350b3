import type { PageTheme } from "../../dialects/browser/pages/types.js";
import type { SendMagicLinkFunction } from "../../flows/magic-link.js";

/** Options of the `magicLink` plugin; Better Auth's names where they overlap. */
export interface MagicLinkOptions {
  /**
   * Sends the link yourself (an email API, SMS...). Without it the link goes out as the
   * built-in email through the mailer configured in `createAuth({ email })`.
   */
  sendMagicLink?: SendMagicLinkFunction | undefined;
  /** Lifetime of a link in seconds. Default 300 (5 minutes), as in Better Auth. */
  expiresIn?: number | undefined;
  /** Refuse links for emails that have no user yet, instead of creating the user. Default false. */
  disableSignUp?: boolean | undefined;
  /**
   * Requests per client address per window on `/sign-in/magic-link`; `/magic-link/verify`
   * gets twice as many (opening a link takes a GET and a POST). Default `{ window: 60, max: 5 }`.
   */
  rateLimit?: { window: number; max: number } | undefined;
  /** Look of the confirmation page the link opens. */
  theme?: PageTheme | undefined;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedMagicLinkOptions {
  readonly sendMagicLink: SendMagicLinkFunction | undefined;
  readonly expiresIn: number;
  readonly disableSignUp: boolean;
  readonly rateLimit: { readonly window: number; readonly max: number };
  readonly theme: PageTheme | undefined;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new TypeError(`magicLink: ${name} must be a positive whole number`);
  return value;
}

/**
 * Checks the options once, when the plugin is made.
 *
 * @throws {TypeError} Naming the option that is wrong.
 */
export function resolveMagicLinkOptions(options: MagicLinkOptions): ResolvedMagicLinkOptions {
  if (options === null || typeof options !== "object")
    throw new TypeError("magicLink: options must be an object");
  if (options.sendMagicLink !== undefined && typeof options.sendMagicLink !== "function")
    throw new TypeError("magicLink: sendMagicLink must be a function");
  if (options.disableSignUp !== undefined && typeof options.disableSignUp !== "boolean")
    throw new TypeError("magicLink: disableSignUp must be a boolean");
  const rate = options.rateLimit;
  if (rate !== undefined && (rate === null || typeof rate !== "object"))
    throw new TypeError("magicLink: rateLimit must be { window, max }");
  return {
    sendMagicLink: options.sendMagicLink,
    expiresIn: positiveInteger("expiresIn", options.expiresIn, 300),
    disableSignUp: options.disableSignUp === true,
    rateLimit: {
      window: positiveInteger("rateLimit.window", rate?.window, 60),
      max: positiveInteger("rateLimit.max", rate?.max, 5),
    },
    theme: options.theme,
  };
}

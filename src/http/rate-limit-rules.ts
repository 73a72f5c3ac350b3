import type { RateLimitWindow } from "./rate-limit.js";

/** The rule every auth path gets unless a stricter one matches: 100 requests per 10 s. */
export const GENERAL_RULE: RateLimitWindow = { window: 10, max: 100 };

/** Paths that check a password or create an account: 10 requests per minute. */
export const CREDENTIAL_RULE: RateLimitWindow = { window: 60, max: 10 };

/** Paths that send mail: 5 requests per minute. */
export const MAIL_RULE: RateLimitWindow = { window: 60, max: 5 };

/**
 * The default rules by path, relative to where each route table is mounted (the JSON API's
 * `basePath`, the browser routes' mount point). Browser paths name providers, so they are
 * made from the configured ones.
 */
export function defaultRules(providers: {
  /** Ids whose `/callback/:id` POST checks credentials (Credentials providers, the built-in password form). */
  credentials: Iterable<string>;
  /** Ids of Email (magic link) providers: `/signin/:id` sends mail. */
  email: Iterable<string>;
}): Map<string, RateLimitWindow> {
  const rules = new Map<string, RateLimitWindow>([
    // JSON API
    ["/sign-in/*", CREDENTIAL_RULE],
    ["/sign-up/*", CREDENTIAL_RULE],
    ["/change-password", CREDENTIAL_RULE],
    ["/reset-password", CREDENTIAL_RULE],
    ["/delete-user", CREDENTIAL_RULE],
    ["/request-password-reset", MAIL_RULE],
    ["/send-verification-email", MAIL_RULE],
    ["/change-email", MAIL_RULE],
    // Browser routes
    ["/signup", CREDENTIAL_RULE],
  ]);
  for (const id of providers.credentials) rules.set(`/callback/${id}`, CREDENTIAL_RULE);
  for (const id of providers.email) rules.set(`/signin/${id}`, MAIL_RULE);
  return rules;
}

/** Checks a rule's path; throws a TypeError naming where it came from. */
export function checkRulePath(name: string, path: unknown): string {
  if (
    typeof path !== "string" ||
    !path.startsWith("/") ||
    (path.includes("*") && !(path.endsWith("/*") && path.indexOf("*") === path.length - 1))
  ) {
    throw new TypeError(
      `${name}: a rule's path starts with "/" and may end in "/*" (e.g. "/sign-in/email", "/sign-in/*"), got ${JSON.stringify(path)}`,
    );
  }
  return path.length > 1 && !path.endsWith("/*") ? path.replace(/\/+$/, "") : path;
}

/** The rule that applies to a request, and the path its counter is kept under. */
export interface RuleMatch {
  rule: RateLimitWindow;
  bucket: string;
}

/**
 * The rule table of one instance: rules by path (`false` turns a path off), with a general rule
 * for every other path. A request gets the rule of its exact path, else of its route pattern
 * (`/reset-password/:token`), else of the longest matching `/*` prefix, else the general one.
 *
 * Counters are kept per route pattern unless the exact path has a rule of its own, so varying
 * a route parameter (`/callback/x1`, `/callback/x2` ...) does not buy a fresh counter.
 */
export class RateLimitRules {
  private readonly prefixes: [prefix: string, rule: RateLimitWindow | false][];

  constructor(
    /** Rules by path, as configured. */
    readonly byPath: ReadonlyMap<string, RateLimitWindow | false>,
    readonly general: RateLimitWindow,
  ) {
    this.prefixes = [...byPath]
      .filter(([path]) => path.endsWith("/*"))
      .map(([path, rule]): [string, RateLimitWindow | false] => [path.slice(0, -1), rule])
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The longest window of any rule: counters older than this are dead. */
  get longestWindow(): number {
    let longest = this.general.window;
    for (const rule of this.byPath.values()) if (rule && rule.window > longest) longest = rule.window;
    return longest;
  }

  /** The rule for a routed request, or null when its path is switched off. */
  match(route: string, params: Readonly<Record<string, string>>): RuleMatch | null {
    const path = route.includes(":")
      ? route.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => params[name] ?? "")
      : route;
    const exact = this.byPath.get(path);
    if (exact !== undefined) return exact ? { rule: exact, bucket: path } : null;
    const pattern = this.byPath.get(route);
    if (pattern !== undefined) return pattern ? { rule: pattern, bucket: route } : null;
    for (const [prefix, rule] of this.prefixes) {
      if (path.startsWith(prefix)) return rule ? { rule, bucket: route } : null;
    }
    return { rule: this.general, bucket: route };
  }
}

import { parse, serialize } from "cookie";

/** Cookie attributes a handler may set; safe defaults fill the rest. */
export interface CookieAttributes {
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  sameSite?: "lax" | "strict" | "none";
  secure?: boolean;
  path?: string;
}

/** Names and attributes of the cookies Gatehouse sets, for one security mode. */
export interface CookieNames {
  sessionToken: string;
  sessionData: string;
  dontRemember: string;
  /** The session JWT of the "jwt" strategy (Auth.js's name: `authjs.session-token` with prefix "authjs"). */
  sessionJWT: string;
}

/**
 * Cookie names for a prefix. On https every name carries `__Secure-`, which browsers accept
 * only with the Secure attribute, so a plain-http page cannot overwrite them.
 */
export function cookieNames(prefix: string, secure: boolean): CookieNames {
  const p = secure ? "__Secure-" : "";
  return {
    sessionToken: `${p}${prefix}.session_token`,
    sessionData: `${p}${prefix}.session_data`,
    dontRemember: `${p}${prefix}.dont_remember`,
    sessionJWT: `${p}${prefix}.session-token`,
  };
}

/** Parses a Cookie header into a name -> value map (no throwing on junk). */
export function parseCookies(header: string | null | undefined): Record<string, string | undefined> {
  if (!header) return {};
  try {
    return parse(header);
  } catch {
    return {};
  }
}

/** Serializes one Set-Cookie value with our safe defaults (HttpOnly, SameSite=Lax, Path=/). */
export function serializeCookie(
  name: string,
  value: string,
  attributes: CookieAttributes & { secure: boolean },
): string {
  return serialize(name, value, {
    path: attributes.path ?? "/",
    httpOnly: attributes.httpOnly ?? true,
    sameSite: attributes.sameSite ?? "lax",
    secure: attributes.secure,
    maxAge: attributes.maxAge,
    expires: attributes.expires,
  });
}

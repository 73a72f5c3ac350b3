import { encode } from "@auth/core/jwt";

/** The Cookie header a browser would send back after a response with these Set-Cookie values. */
export function cookieHeader(setCookies: string[]): string {
  const jar = new Map<string, string>();
  for (const line of setCookies) {
    const pair = line.split(";", 1)[0] ?? "";
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const deleted = value === "" || /;\s*max-age=0(;|$)/i.test(line);
    if (deleted) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** A test account's credentials. */
export interface Account {
  name: string;
  email: string;
  password: string;
}

/**
 * POSTs JSON to a JSON-dialect auth endpoint the way a browser on the same origin would, and
 * returns the session cookies it set. Throws on any status but 200.
 */
export async function postForCookies(baseURL: string, path: string, body: unknown): Promise<string> {
  const response = await fetch(new URL(path, baseURL), {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseURL },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) {
    throw new Error(`POST ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  await response.arrayBuffer();
  const cookies = cookieHeader(response.headers.getSetCookie());
  if (!cookies) throw new Error(`POST ${path} set no cookie`);
  return cookies;
}

/** Signs an account up (Gatehouse and Better Auth share the path and body). */
export function signUp(baseURL: string, account: Account): Promise<string> {
  return postForCookies(baseURL, "/api/auth/sign-up/email", account);
}

/** Signs in and returns fresh session cookies (a new session each time). */
export function signIn(baseURL: string, account: Account): Promise<string> {
  return postForCookies(baseURL, "/api/auth/sign-in/email", {
    email: account.email,
    password: account.password,
  });
}

/** The name of Auth.js's session cookie on plain http; also its JWE key-derivation salt. */
export const AUTHJS_COOKIE = "authjs.session-token";

/**
 * A valid Auth.js session cookie, made the way Auth.js makes its own: a JWE from `encode`
 * with the shared secret and the cookie name as salt.
 */
export async function authjsCookie(secret: string, account: Account): Promise<string> {
  const token = await encode({
    secret,
    salt: AUTHJS_COOKIE,
    token: { name: account.name, email: account.email, sub: "authjs-bench-user" },
  });
  return `${AUTHJS_COOKIE}=${token}`;
}

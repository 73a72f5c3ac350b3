import type { AuthorizedUser, CredentialsConfig } from "./types.js";

/**
 * A refused credentials sign-in. Throw it (or a subclass with your own `code`) from
 * `authorize`; the sign-in page receives `?error=CredentialsSignin&code=<code>`.
 */
export class CredentialsSignin extends Error {
  /** Shown to the browser as `code`; keep it free of secrets. Default "credentials". */
  code = "credentials";
  constructor(message = "Invalid credentials") {
    super(message);
    this.name = "CredentialsSignin";
  }
}

/** Options of {@link Credentials}. */
export interface CredentialsOptions {
  /** Default "credentials"; the sign-in form posts to `<basePath>/callback/<id>`. */
  id?: string;
  name?: string;
  credentials?: CredentialsConfig["credentials"];
  authorize: CredentialsConfig["authorize"];
}

/**
 * Sign-in with a form your own code checks (Auth.js's Credentials provider). Unlike Auth.js it
 * works with database sessions too: the user `authorize` returns is found (by this provider's
 * account, then by email) or created, then signed in like any other.
 *
 * @example
 * import Credentials from "gatehouse/providers/credentials";
 * Credentials({
 *   credentials: { username: { label: "Username" }, password: { label: "Password", type: "password" } },
 *   authorize: async ({ username, password }) => (await checkUser(username, password)) ?? null,
 * });
 */
export default function Credentials(options: CredentialsOptions): CredentialsConfig {
  if (!options || typeof options.authorize !== "function")
    throw new TypeError("Credentials: authorize(credentials, request) is required");
  return {
    id: options.id ?? "credentials",
    name: options.name ?? "Credentials",
    type: "credentials",
    credentials: options.credentials ?? {},
    authorize: options.authorize,
  };
}

export type { AuthorizedUser, CredentialsConfig };

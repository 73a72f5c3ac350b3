import { AuthError } from "../../core/errors.js";

/** Options of the username plugin. */
export interface UsernameOptions {
  /** Default 3. */
  minUsernameLength?: number;
  /** Default 30. */
  maxUsernameLength?: number;
  /** Extra check after the built-in pattern; return false to refuse. */
  usernameValidator?: (username: string) => boolean | Promise<boolean>;
}

/** Error codes of the username plugin (Better Auth's names). */
export const USERNAME_ERROR_CODES = {
  INVALID_USERNAME_OR_PASSWORD: "Invalid username or password",
  USERNAME_IS_ALREADY_TAKEN: "Username is already taken. Please try another.",
  USERNAME_TOO_SHORT: "Username is too short",
  USERNAME_TOO_LONG: "Username is too long",
  INVALID_USERNAME: "Username is invalid",
} as const;

const PATTERN = /^[a-zA-Z0-9_.]+$/;

/** Usernames are compared in lower case with surrounding space removed. */
export function normalizeUsername(username: string): string {
  return username.normalize("NFKC").trim().toLowerCase();
}

/** Throws the plugin's AuthError when a username breaks the rules. */
export async function assertValidUsername(username: string, options: UsernameOptions): Promise<void> {
  const min = options.minUsernameLength ?? 3;
  const max = options.maxUsernameLength ?? 30;
  if (username.length < min)
    throw new AuthError(400, "USERNAME_TOO_SHORT", { message: USERNAME_ERROR_CODES.USERNAME_TOO_SHORT });
  if (username.length > max)
    throw new AuthError(400, "USERNAME_TOO_LONG", { message: USERNAME_ERROR_CODES.USERNAME_TOO_LONG });
  if (
    !PATTERN.test(username) ||
    (options.usernameValidator && !(await options.usernameValidator(username)))
  ) {
    throw new AuthError(400, "INVALID_USERNAME", { message: USERNAME_ERROR_CODES.INVALID_USERNAME });
  }
}

/**
 * Stable error codes. Those reaching clients match Better Auth's codes so its client and
 * existing front ends keep working.
 */
export const ERROR_CODES = {
  VALIDATION_ERROR: "Invalid input",
  NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  PAYLOAD_TOO_LARGE: "Request body is larger than 1 MiB",
  UNSUPPORTED_MEDIA_TYPE:
    "Unsupported content type: use application/json or application/x-www-form-urlencoded",
  INVALID_JSON: "Request body is not valid JSON",
  INTERNAL_SERVER_ERROR: "Internal server error",
  DATABASE_UNAVAILABLE: "The database is unavailable, try again later",
  UNAUTHORIZED: "Unauthorized",
  INVALID_ORIGIN: "Invalid origin",
  CROSS_SITE_NAVIGATION: "Cross-site requests are not allowed here",
  INVALID_CALLBACK_URL: "Invalid callbackURL",
  INVALID_REDIRECT_URL: "Invalid redirectTo",
  INVALID_EMAIL_OR_PASSWORD: "Invalid email or password",
  INVALID_PASSWORD: "Invalid password",
  INVALID_EMAIL: "Invalid email",
  PASSWORD_TOO_SHORT: "Password too short",
  PASSWORD_TOO_LONG: "Password too long",
  PASSWORD_TOO_COMMON: "This password is too common. Please choose a different one.",
  PASSWORD_COMPROMISED: "This password has appeared in a data breach. Please choose a different one.",
  PASSWORD_CHECK_UNAVAILABLE: "The password could not be checked, try again later",
  USER_ALREADY_EXISTS: "User already exists",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "User already exists. Use another email.",
  EMAIL_NOT_VERIFIED: "Email not verified",
  EMAIL_ALREADY_VERIFIED: "Email is already verified",
  EMAIL_CAN_NOT_BE_UPDATED: "Email can not be updated",
  FAILED_TO_CREATE_USER: "Failed to create user",
  FAILED_TO_CREATE_SESSION: "Failed to create session",
  FAILED_TO_GET_SESSION: "Failed to get session",
  SESSION_EXPIRED: "Session expired. Re-authenticate to perform this action.",
  SESSION_NOT_FRESH: "Session is not fresh",
  USER_NOT_FOUND: "User not found",
  CREDENTIAL_ACCOUNT_NOT_FOUND: "Credential account not found",
  INVALID_TOKEN: "Invalid token",
  TOKEN_EXPIRED: "Token expired",
  EMAIL_SENDING_DISABLED: "Email sending is not configured",
  EMAIL_DELIVERY_FAILED: "The email could not be sent, try again later",
  EMAIL_AND_PASSWORD_DISABLED: "Email and password authentication is not enabled",
  TOO_MANY_REQUESTS: "Too many requests",
  PASSWORD_RESET_REQUIRED: "Too many failed sign-in attempts: reset your password to sign in with it",
  FORBIDDEN: "Forbidden",
  PROVIDER_NOT_FOUND: "Provider not found",
  PROVIDER_UNAVAILABLE: "The provider could not be reached, try again later",
  ACCOUNT_NOT_FOUND: "Account not found",
  FAILED_TO_UNLINK_LAST_ACCOUNT: "You can't unlink your last account",
  REFRESH_TOKEN_NOT_FOUND: "Refresh token not found",
  FAILED_TO_REFRESH_ACCESS_TOKEN: "Failed to refresh the access token",
  FAILED_TO_GET_ACCESS_TOKEN: "Failed to get a valid access token",
  ACCESS_TOKEN_NOT_FOUND: "Access token not found",
  FAILED_TO_GET_ACCOUNT_INFO: "Failed to get the account info from the provider",
  INVALID_ID_TOKEN: "Invalid ID token",
  ID_TOKEN_NOT_SUPPORTED: "This provider does not support sign-in with an ID token",
  ACCOUNT_NOT_LINKED: "Account not linked",
} as const;

/** A code from {@link ERROR_CODES}, or a plugin's own SCREAMING_SNAKE code. */
export type ErrorCode = keyof typeof ERROR_CODES | (string & {});

/** Options for {@link AuthError}. */
export interface AuthErrorOptions {
  message?: string;
  cause?: unknown;
  /** Extra JSON fields sent with `code` and `message`. */
  details?: Record<string, unknown>;
  /** Response headers sent with the error over HTTP (e.g. `retry-after`). */
  headers?: Record<string, string>;
}

/**
 * The one error class of Gatehouse: a stable `code`, an HTTP `status` and a message that is
 * safe to show to clients. Over HTTP it becomes `{ code, message }` with that status.
 */
export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, code: ErrorCode, options: AuthErrorOptions = {}) {
    const fallback = (ERROR_CODES as Record<string, string>)[code] ?? code;
    super(options.message ?? fallback, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AuthError";
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  /** The JSON body sent to clients. */
  toJSON(): Record<string, unknown> {
    return { ...this.details, code: this.code, message: this.message };
  }
}

/** True when `value` is an {@link AuthError} (works across bundled copies). */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError || (value instanceof Error && value.name === "AuthError" && "status" in value)
  );
}

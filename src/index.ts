export { createAuth } from "./create-auth.js";
export type { Auth, CoreEndpoints } from "./create-auth.js";
export { AuthError, ERROR_CODES, isAuthError } from "./core/errors.js";
export type { ErrorCode } from "./core/errors.js";
export { defineEndpoint, Redirect } from "./core/endpoint.js";
export type {
  AnyEndpoint,
  Endpoint,
  EndpointContext,
  HttpMethod,
  InputParseResult,
  InputSchema,
} from "./core/endpoint.js";
export type {
  AuthOptions,
  EmailAndPasswordOptions,
  EmailVerificationOptions,
  Logger,
  SessionOptions,
  SessionWithUser,
} from "./core/options.js";
export type { AccountRecord, SessionRecord, UserRecord } from "./core/types.js";
export type { AuthHooks, DatabaseHooks, EndpointHookEvent, ModelHooks } from "./core/hooks.js";
export type { Plugin, RateLimitRule } from "./core/plugin.js";
export type { Adapter, JoinedRow, JoinSpec, Row, Where, WhereOperator } from "./db/adapter.js";
export type { FieldDefinition, FieldType, ModelDefinition, Schema } from "./db/schema.js";
export { issueSession } from "./flows/issue-session.js";
export { signInWithPassword, verifyCredentials, normalizeEmail, userJSON } from "./flows/password.js";
export type { EmailMessage, MailTransport } from "./email/types.js";
export { mergeProviderConfig } from "./providers/types.js";
export type {
  Account,
  ClientAuthMethod,
  OAuthConfig,
  OAuthUserConfig,
  Profile,
  Provider,
  ProviderFactory,
  ProviderUser,
  TokenSet,
  UserinfoRequestContext,
} from "./providers/types.js";
export type { SocialProviderOptions } from "./providers/resolve.js";
export { toAccount } from "./flows/accounts.js";
export type { AuthJsCallbacks, AuthJsEvents, AuthJsPages, AuthJsSession } from "./core/options.js";
/** Auth.js's names for the session and user types (`import type { Session, User } from "gatehouse"`). */
export type { AuthJsSession as Session } from "./core/options.js";
export type { UserRecord as User } from "./core/types.js";
export type {
  AuthorizedUser,
  CredentialsConfig,
  EmailConfig,
  VerificationRequestParams,
} from "./providers/types.js";

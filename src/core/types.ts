/** A user as stored and returned (plus any additional fields). */
export interface UserRecord {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image: string | null;
  createdAt: Date;
  updatedAt: Date;
  [field: string]: unknown;
}

/** A session as returned to clients. `token` is the SHA-256 of the cookie's token, never the token itself. */
export interface SessionRecord {
  id: string;
  userId: string;
  token: string;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  updatedAt: Date;
  [field: string]: unknown;
}

/** A linked sign-in method (credential, OAuth provider). */
export interface AccountRecord {
  id: string;
  userId: string;
  accountId: string;
  providerId: string;
  scope: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  [field: string]: unknown;
}

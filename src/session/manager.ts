import type { JoinedRow, JoinSpec, Row, Where } from "../db/adapter.js";
import { sha256Hex } from "../crypto/hash.js";
import { randomToken } from "../crypto/random.js";
import type { SessionRecord, UserRecord } from "../core/types.js";
import type { SessionWithUser } from "../core/options.js";
import { chunkCookie, clearChunkedCookie, readChunkedCookie } from "../http/cookie-chunks.js";
import { type CookieNames, serializeCookie } from "../http/cookies.js";
import { decodeSessionJWT, encodeSessionJWT, type SessionJWT } from "./authjs-jwt.js";
import { BoundedMemo } from "./bounded-memo.js";

/**
 * The storage the session manager needs: the core's Store fits (it applies ids, timestamps and
 * database hooks); the manager itself knows nothing of the core.
 */
export interface SessionStore {
  create(model: string, data: Row): Promise<Row>;
  findOne(model: string, where: Where[]): Promise<Row | null>;
  /** A row and the row it references, read together (the session and its user). */
  findOneWithJoin(model: string, where: Where[], join: JoinSpec): Promise<JoinedRow | null>;
  update(model: string, where: Where[], update: Row): Promise<Row | null>;
  deleteMany(model: string, where: Where[]): Promise<number>;
}

/** Signs and verifies short strings (HMAC, rotation-aware). */
export interface Signer {
  sign(value: string): string;
  unsign(signed: string): string | null;
}

/**
 * Shapes the JWT strategy's claims (Auth.js's `jwt` callback): called with `trigger: "signIn"`
 * and the user when a session is issued, and with the decoded claims on every read. Returning
 * null ends the session.
 */
export type JwtCallback = (params: {
  token: Record<string, unknown>;
  user?: UserRecord | undefined;
  trigger?: "signIn" | undefined;
}) => Promise<Record<string, unknown> | null> | Record<string, unknown> | null;

/** Resolved session settings (seconds). */
export interface SessionConfig {
  /**
   * "database": a row per session, the cookie holds a signed random token. "jwt": no row, the
   * cookie holds the session as an encrypted JWT in Auth.js's format (cannot be revoked early).
   */
  strategy: "database" | "jwt";
  expiresIn: number;
  updateAge: number;
  freshAge: number;
  cookieCache: { enabled: boolean; maxAge: number };
}

/** The result of reading a session: the session, its user and any cookies to set (renewal). */
export interface ResolvedSession extends SessionWithUser {
  setCookies: string[];
}

/** Where a session is being read or written: cookie names and the Secure flag. */
export interface CookieMode {
  names: CookieNames;
  secure: boolean;
}

/** How many verified session cookie values a {@link SessionManager} remembers. */
const VERIFIED_TOKENS_KEPT = 1024;

/** How many verified cookie-cache values a {@link SessionManager} remembers (each up to ~4 KB). */
const CACHE_VALUES_KEPT = 256;

/** A session cookie value's raw token and the token's SHA-256 (hex), as stored. */
interface VerifiedToken {
  token: string;
  hash: string;
}

/** A session row's user, by its `userId`. */
const SESSION_USER: JoinSpec = { model: "user", on: "userId" };

interface CachePayload {
  s: Row;
  u: Row;
  h: string;
  exp: number;
}

/**
 * Sessions: creates them, reads them from cookie values, renews them (sliding expiry) and
 * revokes them, with the database strategy (default) or the JWT strategy. Framework-free:
 * cookie values in, Set-Cookie strings out. An invalid or expired session is `null`, never an
 * exception.
 */
export class SessionManager {
  constructor(
    private readonly store: SessionStore,
    private readonly tokenSigner: Signer,
    private readonly cacheSigner: Signer,
    readonly config: SessionConfig,
    /** Secrets (newest first) for the JWT strategy's encryption. */
    private readonly secrets: readonly string[] = [],
    /** The JWT strategy's claim hook (Auth.js's `callbacks.jwt`). */
    private readonly jwtCallback?: JwtCallback,
  ) {}

  /**
   * Creates a session for a user and returns the raw token (only ever put in the cookie) and the
   * row. Under the JWT strategy nothing is stored: the session exists only in its cookie.
   */
  async create(
    store: SessionStore,
    input: { userId: string; ipAddress?: string | null; userAgent?: string | null; rememberMe?: boolean },
  ): Promise<{ token: string; session: SessionRecord }> {
    if (this.config.strategy === "jwt") {
      const now = new Date();
      return {
        token: "",
        session: {
          id: randomToken(16),
          userId: input.userId,
          token: "",
          expiresAt: new Date(now.getTime() + this.config.expiresIn * 1000),
          ipAddress: input.ipAddress ?? null,
          userAgent: input.userAgent ?? null,
          createdAt: now,
          updatedAt: now,
        },
      };
    }
    const token = randomToken(32);
    const expiresIn = this.config.expiresIn;
    const row = await store.create("session", {
      token: sha256Hex(token),
      userId: input.userId,
      expiresAt: new Date(Date.now() + expiresIn * 1000),
      ipAddress: input.ipAddress ?? null,
      userAgent: input.userAgent ?? null,
    });
    return { token, session: row as SessionRecord };
  }

  /**
   * Set-Cookie values that hand a new session to the browser. `existing` (the request's cookies)
   * lets the JWT strategy clear chunks the new value no longer uses.
   */
  async sessionCookies(
    mode: CookieMode,
    token: string,
    data: SessionWithUser,
    rememberMe: boolean,
    existing: Record<string, string | undefined> = {},
  ): Promise<string[]> {
    if (this.config.strategy === "jwt") return this.jwtCookies(mode, data, rememberMe, existing);
    // Round up: the session row was written a few milliseconds ago, and flooring would give a
    // fresh 7-day session a Max-Age of 604799 whenever a millisecond ticked in between.
    const maxAge = rememberMe
      ? Math.max(0, Math.ceil((data.session.expiresAt.getTime() - Date.now()) / 1000))
      : undefined;
    const out = [
      serializeCookie(mode.names.sessionToken, this.tokenSigner.sign(token), { secure: mode.secure, maxAge }),
    ];
    out.push(
      rememberMe
        ? serializeCookie(mode.names.dontRemember, "", { secure: mode.secure, maxAge: 0 })
        : serializeCookie(mode.names.dontRemember, this.tokenSigner.sign("true"), { secure: mode.secure }),
    );
    if (this.config.cookieCache.enabled) out.push(this.cacheCookie(mode, token, data));
    return out;
  }

  /** Set-Cookie values that remove every session cookie (JWT chunks included, given the request's cookies). */
  clearCookies(mode: CookieMode, existing: Record<string, string | undefined> = {}): string[] {
    const names = new Set([
      mode.names.sessionToken,
      mode.names.sessionData,
      mode.names.dontRemember,
      ...(this.config.strategy === "jwt"
        ? [mode.names.sessionJWT, ...clearChunkedCookie(existing, mode.names.sessionJWT)]
        : []),
    ]);
    return [...names].map((name) => serializeCookie(name, "", { secure: mode.secure, maxAge: 0 }));
  }

  /** The raw token inside a signed cookie value, or null when absent or tampered with. */
  tokenFromCookie(value: string | undefined): string | null {
    if (!value) return null;
    return this.tokenSigner.unsign(value);
  }

  /**
   * Signed cookie values seen recently that verified, with their token and its SHA-256: the
   * same browser sends the same value on every request, and verifying an HMAC and hashing the
   * token was a fifth of a session check. Only values that verified are kept (nobody can add
   * one without the secret), the oldest goes first when full, and the session row is still
   * read on every request, so a revoked session ends at once.
   */
  private readonly verifiedTokens = new BoundedMemo<VerifiedToken>(VERIFIED_TOKENS_KEPT);

  private verifiedToken(value: string | undefined): VerifiedToken | null {
    if (!value) return null;
    const known = this.verifiedTokens.get(value);
    if (known) return known;
    const token = this.tokenSigner.unsign(value);
    if (!token) return null;
    const verified = { token, hash: sha256Hex(token) };
    this.verifiedTokens.set(value, verified);
    return verified;
  }

  /**
   * Cookie-cache values seen recently that verified, as their decoded JSON text: the signature
   * check and base64 of a kilobyte payload run once per value. Each read parses the text anew,
   * so every caller gets rows of its own (nested values included), and still checks the token
   * hash and both expiries.
   */
  private readonly verifiedCaches = new BoundedMemo<string>(CACHE_VALUES_KEPT);

  /**
   * Reads the session behind the cookies. Uses the cookie cache when enabled and allowed;
   * otherwise one read of the session by token hash, joined with its user. Renews the expiry when the
   * session is older than `updateAge` (unless `disableRefresh`).
   */
  async resolve(
    cookies: Record<string, string | undefined>,
    mode: CookieMode,
    options: { disableCookieCache?: boolean; disableRefresh?: boolean } = {},
  ): Promise<ResolvedSession | null> {
    if (this.config.strategy === "jwt") return this.resolveJWT(cookies, mode, options);
    const verified = this.verifiedToken(cookies[mode.names.sessionToken]);
    if (!verified) return null;
    const { token, hash } = verified;
    if (this.config.cookieCache.enabled && !options.disableCookieCache) {
      const cached = this.readCache(cookies[mode.names.sessionData], hash);
      if (cached) return { ...cached, setCookies: [] };
    }
    // The session and its user in one read (one query on SQL databases).
    const found = await this.store.findOneWithJoin(
      "session",
      [{ field: "token", value: hash }],
      SESSION_USER,
    );
    if (!found) return null;
    const session = found.row as SessionRecord;
    if (session.expiresAt.getTime() <= Date.now()) {
      await this.store.deleteMany("session", [{ field: "id", value: session.id }]);
      return null;
    }
    const user = found.joined as UserRecord | null;
    if (!user) return null;
    const setCookies: string[] = [];
    let current = session;
    const renewDue =
      session.expiresAt.getTime() - this.config.expiresIn * 1000 + this.config.updateAge * 1000;
    if (!options.disableRefresh && renewDue <= Date.now()) {
      const renewed = (await this.store.update("session", [{ field: "id", value: session.id }], {
        expiresAt: new Date(Date.now() + this.config.expiresIn * 1000),
      })) as SessionRecord | null;
      if (renewed) {
        current = renewed;
        const rememberMe = !this.tokenSigner.unsign(cookies[mode.names.dontRemember] ?? "");
        setCookies.push(...(await this.sessionCookies(mode, token, { session: current, user }, rememberMe)));
      }
    } else if (this.config.cookieCache.enabled && !options.disableCookieCache) {
      setCookies.push(this.cacheCookie(mode, token, { session: current, user }));
    }
    return { session: current, user, setCookies };
  }

  /** Deletes the session behind a raw token. */
  async revokeToken(store: SessionStore, token: string): Promise<void> {
    await store.deleteMany("session", [{ field: "token", value: sha256Hex(token) }]);
  }

  private async jwtCookies(
    mode: CookieMode,
    data: SessionWithUser,
    rememberMe: boolean,
    existing: Record<string, string | undefined>,
    renewal?: { authTime: number; claims: Record<string, unknown> },
  ): Promise<string[]> {
    const { user, session } = data;
    const name = mode.names.sessionJWT;
    let token: Record<string, unknown> | null;
    if (renewal) {
      // A renewal keeps every claim (the app's own included) and only moves the expiry.
      const { iat: _iat, exp: _exp, jti: _jti, ...claims } = renewal.claims;
      token = claims;
    } else {
      // Auth.js's claims (sub, name, email, picture), plus when the user signed in (freshness).
      token = {
        sub: user.id,
        name: user.name ?? null,
        email: user.email ?? null,
        picture: user.image ?? null,
        email_verified: user.emailVerified === true,
        auth_time: Math.floor(session.createdAt.getTime() / 1000),
        ...(rememberMe ? {} : { remember: false }),
      };
      if (this.jwtCallback) token = await this.jwtCallback({ token, user, trigger: "signIn" });
      if (!token) return this.clearCookies(mode, existing);
    }
    const jwt = await encodeSessionJWT({
      token,
      secret: this.secrets,
      salt: name,
      maxAge: Math.max(1, Math.round(this.config.expiresIn)),
    });
    const maxAge = rememberMe ? Math.round(this.config.expiresIn) : undefined;
    const { set, clear } = chunkCookie(name, jwt, { existing });
    return [
      ...set.map((c) => serializeCookie(c.name, c.value, { secure: mode.secure, maxAge })),
      ...clear.map((n) => serializeCookie(n, "", { secure: mode.secure, maxAge: 0 })),
    ];
  }

  private async resolveJWT(
    cookies: Record<string, string | undefined>,
    mode: CookieMode,
    options: { disableRefresh?: boolean },
  ): Promise<ResolvedSession | null> {
    const name = mode.names.sessionJWT;
    const decoded: SessionJWT | null = await decodeSessionJWT({
      token: readChunkedCookie(cookies, name),
      secret: this.secrets,
      salt: name,
    });
    if (!decoded || typeof decoded.sub !== "string" || typeof decoded.exp !== "number") return null;
    let claims: Record<string, unknown> = decoded;
    if (this.jwtCallback) {
      const shaped = await this.jwtCallback({ token: { ...decoded } });
      if (!shaped) return null;
      claims = { ...shaped, sub: decoded.sub, exp: decoded.exp, iat: decoded.iat, jti: decoded.jti };
    }
    const iat = typeof claims.iat === "number" ? claims.iat : Math.floor(Date.now() / 1000);
    const issued = new Date(iat * 1000);
    const authTime = typeof claims.auth_time === "number" ? claims.auth_time : iat;
    const user = {
      id: decoded.sub,
      name: typeof claims.name === "string" ? claims.name : "",
      email: typeof claims.email === "string" ? claims.email : "",
      emailVerified: claims.email_verified === true,
      image: typeof claims.picture === "string" ? claims.picture : null,
      createdAt: issued,
      updatedAt: issued,
    } as UserRecord;
    const session: SessionRecord = {
      id: typeof claims.jti === "string" ? claims.jti : "",
      userId: decoded.sub,
      token: "",
      expiresAt: new Date(decoded.exp * 1000),
      ipAddress: null,
      userAgent: null,
      createdAt: new Date(authTime * 1000),
      updatedAt: issued,
    };
    const setCookies: string[] = [];
    if (!options.disableRefresh && issued.getTime() + this.config.updateAge * 1000 <= Date.now()) {
      const rememberMe = claims.remember !== false;
      setCookies.push(
        ...(await this.jwtCookies(mode, { session, user }, rememberMe, cookies, { authTime, claims })),
      );
      session.expiresAt = new Date(Date.now() + this.config.expiresIn * 1000);
    }
    return { session, user, setCookies, token: claims };
  }

  private cacheCookie(mode: CookieMode, token: string, data: SessionWithUser): string {
    const maxAge = this.config.cookieCache.maxAge;
    const payload: CachePayload = {
      s: data.session,
      u: data.user,
      h: sha256Hex(token),
      exp: Date.now() + maxAge * 1000,
    };
    const value = this.cacheSigner.sign(Buffer.from(JSON.stringify(payload)).toString("base64url"));
    return serializeCookie(mode.names.sessionData, value, { secure: mode.secure, maxAge });
  }

  private readCache(value: string | undefined, hash: string): SessionWithUser | null {
    if (!value) return null;
    let text = this.verifiedCaches.get(value);
    if (text === undefined) {
      const body = this.cacheSigner.unsign(value);
      if (!body) return null;
      text = Buffer.from(body, "base64url").toString("utf8");
      this.verifiedCaches.set(value, text);
    }
    const payload = parseCachePayload(text);
    if (!payload || payload.h !== hash || payload.exp <= Date.now()) return null;
    const session = reviveDates(payload.s) as SessionRecord;
    if (!(session.expiresAt instanceof Date) || !(session.expiresAt.getTime() > Date.now())) return null;
    return { session, user: reviveDates(payload.u) as UserRecord };
  }
}

const DATE_FIELDS = new Set(["createdAt", "updatedAt", "expiresAt"]);

/** A cookie-cache payload from its JSON text, or null when malformed. */
function parseCachePayload(text: string): CachePayload | null {
  let payload: CachePayload;
  try {
    payload = JSON.parse(text) as CachePayload;
  } catch {
    return null;
  }
  if (!isRecord(payload) || !isRecord(payload.s) || !isRecord(payload.u)) return null;
  if (typeof payload.h !== "string" || typeof payload.exp !== "number") return null;
  return payload;
}

function isRecord(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function reviveDates(row: Row): Row {
  const out: Row = { ...row };
  for (const key of DATE_FIELDS) {
    if (typeof out[key] === "string") out[key] = new Date(out[key] as string);
  }
  return out;
}

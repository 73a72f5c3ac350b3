import type { Row, Where } from "../db/adapter.js";
import { sha256Hex } from "../crypto/hash.js";
import { randomToken } from "../crypto/random.js";
import type { SessionRecord, UserRecord } from "../core/types.js";
import type { SessionWithUser } from "../core/options.js";
import { type CookieNames, serializeCookie } from "../http/cookies.js";

/**
 * The storage the session manager needs: the core's Store fits (it applies ids, timestamps and
 * database hooks); the manager itself knows nothing of the core.
 */
export interface SessionStore {
  create(model: string, data: Row): Promise<Row>;
  findOne(model: string, where: Where[]): Promise<Row | null>;
  update(model: string, where: Where[], update: Row): Promise<Row | null>;
  deleteMany(model: string, where: Where[]): Promise<number>;
}

/** Signs and verifies short strings (HMAC, rotation-aware). */
export interface Signer {
  sign(value: string): string;
  unsign(signed: string): string | null;
}

/** Resolved session settings (seconds). */
export interface SessionConfig {
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

interface CachePayload {
  s: Row;
  u: Row;
  h: string;
  exp: number;
}

/**
 * The database session strategy: creates sessions, reads them from cookie values, renews them
 * (sliding expiry) and revokes them. Framework-free: cookie values in, Set-Cookie strings out.
 * An invalid or expired session is `null`, never an exception.
 */
export class SessionManager {
  constructor(
    private readonly store: SessionStore,
    private readonly tokenSigner: Signer,
    private readonly cacheSigner: Signer,
    readonly config: SessionConfig,
  ) {}

  /** Creates a session for a user and returns the raw token (only ever put in the cookie) and the row. */
  async create(
    store: SessionStore,
    input: { userId: string; ipAddress?: string | null; userAgent?: string | null; rememberMe?: boolean },
  ): Promise<{ token: string; session: SessionRecord }> {
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

  /** Set-Cookie values that hand a new session to the browser. */
  sessionCookies(mode: CookieMode, token: string, data: SessionWithUser, rememberMe: boolean): string[] {
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

  /** Set-Cookie values that remove every session cookie. */
  clearCookies(mode: CookieMode): string[] {
    return [mode.names.sessionToken, mode.names.sessionData, mode.names.dontRemember].map((name) =>
      serializeCookie(name, "", { secure: mode.secure, maxAge: 0 }),
    );
  }

  /** The raw token inside a signed cookie value, or null when absent or tampered with. */
  tokenFromCookie(value: string | undefined): string | null {
    if (!value) return null;
    return this.tokenSigner.unsign(value);
  }

  /**
   * Reads the session behind the cookies. Uses the cookie cache when enabled and allowed;
   * otherwise one lookup by token hash plus one for the user. Renews the expiry when the
   * session is older than `updateAge` (unless `disableRefresh`).
   */
  async resolve(
    cookies: Record<string, string | undefined>,
    mode: CookieMode,
    options: { disableCookieCache?: boolean; disableRefresh?: boolean } = {},
  ): Promise<ResolvedSession | null> {
    const token = this.tokenFromCookie(cookies[mode.names.sessionToken]);
    if (!token) return null;
    const hash = sha256Hex(token);
    if (this.config.cookieCache.enabled && !options.disableCookieCache) {
      const cached = this.readCache(cookies[mode.names.sessionData], hash);
      if (cached) return { ...cached, setCookies: [] };
    }
    const session = (await this.store.findOne("session", [
      { field: "token", value: hash },
    ])) as SessionRecord | null;
    if (!session) return null;
    if (session.expiresAt.getTime() <= Date.now()) {
      await this.store.deleteMany("session", [{ field: "id", value: session.id }]);
      return null;
    }
    const user = (await this.store.findOne("user", [
      { field: "id", value: session.userId },
    ])) as UserRecord | null;
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
        setCookies.push(...this.sessionCookies(mode, token, { session: current, user }, rememberMe));
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
    const body = this.cacheSigner.unsign(value);
    if (!body) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as CachePayload;
      if (payload.h !== hash || payload.exp <= Date.now()) return null;
      const session = reviveDates(payload.s) as SessionRecord;
      if (session.expiresAt.getTime() <= Date.now()) return null;
      return { session, user: reviveDates(payload.u) as UserRecord };
    } catch {
      return null;
    }
  }
}

const DATE_FIELDS = new Set(["createdAt", "updatedAt", "expiresAt"]);

function reviveDates(row: Row): Row {
  const out: Row = { ...row };
  for (const key of DATE_FIELDS) {
    if (typeof out[key] === "string") out[key] = new Date(out[key] as string);
  }
  return out;
}

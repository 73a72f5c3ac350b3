import { randomBytes } from "node:crypto";
import type { Databases } from "./databases.js";
import { freePort, type RunningServer, type StartOptions, startServer } from "./process.js";
import {
  FLOOR_COOKIE,
  FLOOR_TOKEN,
  type PostgresDatabase,
  type ServerConfig,
  type SqliteDatabase,
} from "./servers/config.js";
import type { ServerFile } from "./compile.js";
import { type Account, authjsCookie, signIn, signUp } from "./session-cookies.js";

/** One library (or configuration of one) under test. */
export interface Contender {
  id: string;
  label: string;
  /** The server to run; absent when there is nothing to run (see `unavailable`). */
  server?: ServerFile;
  database?: "sqlite" | "postgres";
  cookieCache?: boolean;
  /** Sessions in an encrypted cookie (Gatehouse's `session.strategy: "jwt"`), users in the database. */
  jwt?: boolean;
  /**
   * How a valid session cookie is had: none needed, sign in with a password, mint a JWT, or
   * the floor server's fixed token.
   */
  session: "none" | "password" | "authjs-jwt" | "floor";
  /** Why this row has no numbers (not built yet, service unreachable). */
  unavailable?: string;
}

/** Every contender, in table order. */
export const CONTENDERS: Contender[] = [
  { id: "bare", label: "bare Express (no auth)", server: "bare", session: "none" },
  {
    id: "floor",
    label: "floor: bare Express + one SQLite read (no auth library)",
    server: "floor",
    database: "sqlite",
    session: "floor",
  },
  {
    id: "gatehouse-sqlite",
    label: "Gatehouse, database sessions, SQLite",
    server: "gatehouse",
    database: "sqlite",
    session: "password",
  },
  {
    id: "gatehouse-sqlite-cache",
    label: "Gatehouse, SQLite + cookie cache",
    server: "gatehouse",
    database: "sqlite",
    cookieCache: true,
    session: "password",
  },
  {
    id: "gatehouse-jwt",
    label: "Gatehouse, JWT sessions",
    server: "gatehouse",
    database: "sqlite",
    jwt: true,
    session: "password",
  },
  {
    id: "gatehouse-postgres",
    label: "Gatehouse, database sessions, PostgreSQL",
    server: "gatehouse",
    database: "postgres",
    session: "password",
  },
  {
    id: "better-auth",
    label: "Better Auth, SQLite",
    server: "better-auth",
    database: "sqlite",
    session: "password",
  },
  {
    id: "better-auth-cache",
    label: "Better Auth, SQLite + cookie cache",
    server: "better-auth",
    database: "sqlite",
    cookieCache: true,
    session: "password",
  },
  { id: "authjs", label: "Auth.js, JWT sessions", server: "authjs", session: "authjs-jwt" },
];

/** The account every contender signs up once and signs in with. */
export const ACCOUNT: Account = {
  name: "Bench User",
  email: "bench-user@example.com",
  password: "correct horse battery staple",
};

/** A cookie for the bare server: no meaning, about as long as a real session cookie. */
const BARE_COOKIE = `session=${randomBytes(32).toString("base64url")}.${randomBytes(32).toString("base64url")}`;

/** A contender with its database made and its account signed up: it can be started any number of times. */
export class Prepared {
  private constructor(
    readonly contender: Contender & { server: ServerFile },
    private readonly file: string,
    private readonly secret: string,
    readonly database: SqliteDatabase | PostgresDatabase | undefined,
    private readonly startOptions: StartOptions,
  ) {}

  /**
   * Makes the database, starts the server once with migrations and signs the account up.
   * Returns the prepared contender and that first running server.
   */
  static async create(
    contender: Contender & { server: ServerFile },
    file: string,
    secret: string,
    databases: Databases,
    startOptions: StartOptions = {},
  ): Promise<{ prepared: Prepared; server: RunningServer }> {
    const database =
      contender.database === "sqlite"
        ? databases.sqlite(contender.id)
        : contender.database === "postgres"
          ? await databases.postgres()
          : undefined;
    const prepared = new Prepared(contender, file, secret, database, startOptions);
    const server = await prepared.start({ migrate: true });
    if (contender.session === "password") await signUp(server.url, ACCOUNT);
    return { prepared, server };
  }

  /** The server's configuration on `port`. */
  config(port: number, options: { migrate?: boolean } = {}): ServerConfig {
    return {
      port,
      secret: this.secret,
      database: this.database,
      cookieCache: this.contender.cookieCache === true,
      jwt: this.contender.jwt === true,
      migrate: options.migrate === true,
    };
  }

  /** The compiled server file. */
  get serverFile(): string {
    return this.file;
  }

  /** Starts another server process on this contender's database. */
  async start(options: { migrate?: boolean } = {}): Promise<RunningServer> {
    return startServer(this.file, this.config(await freePort(), options), this.startOptions);
  }

  /**
   * A Cookie header with a valid, fresh session for a running server: a new sign-in (so a
   * cookie cache is never stale), a freshly minted Auth.js JWT, or filler for bare Express.
   */
  async cookie(server: RunningServer): Promise<string> {
    switch (this.contender.session) {
      case "none":
        return BARE_COOKIE;
      case "floor":
        return `${FLOOR_COOKIE}=${FLOOR_TOKEN}`;
      case "authjs-jwt":
        return authjsCookie(this.secret, ACCOUNT);
      case "password":
        return signIn(server.url, ACCOUNT);
    }
  }
}

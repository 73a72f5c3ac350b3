/**
 * The username plugin through `auth.handler(new Request(...))` and `auth.api`, on the memory
 * adapter and on SQLite (better-sqlite3 `:memory:`, migrated by `auth.migrate()`), plus the
 * generic plugin contract: endpoints, schema, hooks and error codes reach HTTP and `auth.api`.
 */
import Database from "better-sqlite3";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth, type Auth } from "../../src/create-auth.js";
import { Client as HttpClient } from "../core/harness.js";
import { defineEndpoint } from "../../src/core/endpoint.js";
import { AuthError } from "../../src/core/errors.js";
import type { Plugin } from "../../src/core/plugin.js";
import { USERNAME_ERROR_CODES, username } from "../../src/plugins/username/index.js";
import { CookieJar, TEST_SECRET, loggedErrors, uniqueEmail } from "../helpers/http.js";

const ORIGIN = "http://localhost:3000";
const PASSWORD = "correct horse battery";

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, read field by field
  body: any;
  response: Response;
}

/** A browser-like client over `auth.handler`: JSON bodies, same-origin Origin header, a cookie jar. */
class Client {
  readonly jar = new CookieJar();
  constructor(private readonly auth: Auth) {}

  async request(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers = new Headers({ origin: ORIGIN });
    if (body !== undefined) headers.set("content-type", "application/json");
    const cookie = this.jar.header();
    if (cookie) headers.set("cookie", cookie);
    const response = await this.auth.handler(
      new Request(`${ORIGIN}/api/auth${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    this.jar.storeFrom(response);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, response };
  }

  post(path: string, body: unknown = {}): Promise<Reply> {
    return this.request("POST", path, body);
  }

  get(path: string): Promise<Reply> {
    return this.request("GET", path);
  }
}

let counter = 0;
/** A fresh, valid username (unique per call, mixed case). */
function freshUsername(prefix = "User"): string {
  counter += 1;
  return `${prefix}_${process.pid % 1000}_${counter}`;
}

const silentLogger = {
  info() {},
  warn() {},
  error: (...args: unknown[]) => void loggedErrors.push(args),
};

/**
 * `createAuth` with the username plugin, typed: its endpoints are on `auth.api`. These suites
 * sign in many times from one address, so the plugin's sign-in rule is switched off here
 * (through the documented off switch); the rule itself is tested below.
 */
function usernameAuth(database?: Database.Database) {
  return createAuth({
    secret: TEST_SECRET,
    logger: silentLogger,
    database,
    emailAndPassword: { enabled: true },
    plugins: [username()],
    rateLimit: { customRules: { "/sign-in/username": false } },
  });
}
type UsernameAuth = ReturnType<typeof usernameAuth>;

interface Backend {
  name: string;
  make(): Promise<{ auth: UsernameAuth; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: "memory adapter",
    async make() {
      return { auth: usernameAuth(), close: async () => {} };
    },
  },
  {
    name: "SQLite (better-sqlite3 :memory:)",
    async make() {
      const db = new Database(":memory:");
      const auth = usernameAuth(db);
      await auth.migrate();
      return {
        auth,
        close: async () => {
          await auth.close();
          db.close();
        },
      };
    },
  },
];

describe.each(BACKENDS)("username plugin on $name", (backend) => {
  let auth: UsernameAuth;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ auth, close } = await backend.make());
  });
  afterAll(async () => {
    await close();
  });

  const userCount = (): Promise<number> => auth.$context.adapter.count({ model: "user", where: [] });
  const accountCount = (): Promise<number> => auth.$context.adapter.count({ model: "account", where: [] });

  async function signUp(name: string, email = uniqueEmail("un")): Promise<{ client: Client; reply: Reply }> {
    const client = new Client(auth);
    const reply = await client.post("/sign-up/email", {
      name: "U",
      email,
      password: PASSWORD,
      username: name,
    });
    return { client, reply };
  }

  it("sign-up stores the username lower-cased and displayUsername as typed", async () => {
    const typed = freshUsername("Alice");
    const email = uniqueEmail("alice");
    const { reply } = await signUp(typed, email);
    expect(reply.status).toBe(200);
    expect(reply.body.user.username).toBe(typed.toLowerCase());
    expect(reply.body.user.displayUsername).toBe(typed);
    const row = await auth.$context.adapter.findOne({
      model: "user",
      where: [{ field: "email", value: email }],
    });
    expect(row?.username).toBe(typed.toLowerCase());
    expect(row?.displayUsername).toBe(typed);
  });

  it("POST /sign-in/username works with any case and issues a session", async () => {
    const typed = freshUsername("Bob");
    expect((await signUp(typed)).reply.status).toBe(200);
    for (const variant of [typed, typed.toLowerCase(), typed.toUpperCase()]) {
      const client = new Client(auth);
      const res = await client.post("/sign-in/username", { username: variant, password: PASSWORD });
      expect(res.status, variant).toBe(200);
      expect(res.body.token).toEqual(expect.any(String));
      expect(res.body.user.username).toBe(typed.toLowerCase());
      const session = await client.get("/get-session");
      expect(session.body?.user?.username).toBe(typed.toLowerCase());
    }
  });

  it("wrong password and unknown username give the same 401 INVALID_USERNAME_OR_PASSWORD", async () => {
    const typed = freshUsername("Carol");
    expect((await signUp(typed)).reply.status).toBe(200);
    const wrong = await new Client(auth).post("/sign-in/username", {
      username: typed,
      password: "not it at all",
    });
    const unknown = await new Client(auth).post("/sign-in/username", {
      username: freshUsername("nobody"),
      password: PASSWORD,
    });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        code: "INVALID_USERNAME_OR_PASSWORD",
        message: USERNAME_ERROR_CODES.INVALID_USERNAME_OR_PASSWORD,
      });
      expect(res.response.headers.getSetCookie()).toEqual([]);
    }
  });

  it("POST /is-username-available answers true for a free name, false for a taken one (any case)", async () => {
    const typed = freshUsername("Dave");
    const client = new Client(auth);
    expect((await client.post("/is-username-available", { username: typed })).body).toEqual({
      available: true,
    });
    expect((await signUp(typed)).reply.status).toBe(200);
    for (const variant of [typed, typed.toUpperCase()]) {
      const res = await client.post("/is-username-available", { username: variant });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ available: false });
    }
  });

  it("a duplicate username at sign-up -> 422 USERNAME_IS_ALREADY_TAKEN and no half-made user", async () => {
    const typed = freshUsername("Erin");
    expect((await signUp(typed)).reply.status).toBe(200);
    const users = await userCount();
    const accounts = await accountCount();
    const email = uniqueEmail("dup");
    const { reply } = await signUp(typed.toUpperCase(), email);
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe("USERNAME_IS_ALREADY_TAKEN");
    expect(reply.response.headers.getSetCookie()).toEqual([]);
    expect(await userCount()).toBe(users);
    expect(await accountCount()).toBe(accounts);
    expect(
      await auth.$context.adapter.findOne({ model: "user", where: [{ field: "email", value: email }] }),
    ).toBeNull();
  });

  it("update-user: a taken username -> 422, the own username is fine, a new one is stored normalised", async () => {
    const taken = freshUsername("Frank");
    expect((await signUp(taken)).reply.status).toBe(200);
    const mine = freshUsername("Grace");
    const { client, reply } = await signUp(mine);
    expect(reply.status).toBe(200);

    const clash = await client.post("/update-user", { username: taken.toLowerCase() });
    expect(clash.status).toBe(422);
    expect(clash.body.code).toBe("USERNAME_IS_ALREADY_TAKEN");

    const own = await client.post("/update-user", { username: mine.toUpperCase() });
    expect(own.status).toBe(200);

    const next = freshUsername("Heidi");
    const renamed = await client.post("/update-user", { username: next });
    expect(renamed.status).toBe(200);
    const row = await auth.$context.adapter.findOne({
      model: "user",
      where: [{ field: "id", value: reply.body.user.id }],
    });
    expect(row?.username).toBe(next.toLowerCase());
    expect(row?.displayUsername).toBe(next);
    // The old name is free again; the new one signs in.
    expect((await client.post("/is-username-available", { username: mine })).body).toEqual({
      available: true,
    });
    const signIn = await new Client(auth).post("/sign-in/username", { username: next, password: PASSWORD });
    expect(signIn.status).toBe(200);
  });

  it.each([
    ["too short", "ab", "USERNAME_TOO_SHORT"],
    ["too long", "a".repeat(31), "USERNAME_TOO_LONG"],
    ["bad characters", "bad name!", "INVALID_USERNAME"],
    ["a hyphen", "bad-name", "INVALID_USERNAME"],
  ])(
    "an invalid username (%s) -> 400 %s at sign-up, update-user and is-username-available",
    async (_label, bad, code) => {
      const users = await userCount();
      const { reply } = await signUp(bad);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        code,
        message: USERNAME_ERROR_CODES[code as keyof typeof USERNAME_ERROR_CODES],
      });
      expect(await userCount()).toBe(users);

      const { client } = await signUp(freshUsername("Ivan"));
      const update = await client.post("/update-user", { username: bad });
      expect(update.status).toBe(400);
      expect(update.body.code).toBe(code);

      const available = await client.post("/is-username-available", { username: bad });
      expect(available.status).toBe(400);
      expect(available.body.code).toBe(code);
    },
  );

  it("sign-up without a username still works (the field is optional)", async () => {
    const client = new Client(auth);
    const res = await client.post("/sign-up/email", {
      name: "N",
      email: uniqueEmail("nouser"),
      password: PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body.user.username ?? null).toBeNull();
  });

  it("auth.api.signInUsername and auth.api.isUsernameAvailable exist and work", async () => {
    const api = auth.api;
    expect(typeof api.signInUsername).toBe("function");
    expect(typeof api.isUsernameAvailable).toBe("function");
    const typed = freshUsername("Judy");
    expect((await signUp(typed)).reply.status).toBe(200);
    const result = await api.signInUsername({ body: { username: typed.toUpperCase(), password: PASSWORD } });
    expect(result.user.username).toBe(typed.toLowerCase());
    expect(result.token).toEqual(expect.any(String));
    await expect(api.isUsernameAvailable({ body: { username: typed } })).resolves.toEqual({
      available: false,
    });
    await expect(
      api.signInUsername({ body: { username: typed, password: "wrong password!" } }),
    ).rejects.toMatchObject({ status: 401, code: "INVALID_USERNAME_OR_PASSWORD" });
  });
});

describe("username plugin rate limit (its rule, over real HTTP)", () => {
  it("the 4th sign-in attempt within 10 s from one address gets 429 with Retry-After", async () => {
    const auth = createAuth({
      secret: TEST_SECRET,
      logger: silentLogger,
      emailAndPassword: { enabled: true },
      plugins: [username()],
    });
    const client = new HttpClient(auth);
    const attempt = () =>
      client.post("/sign-in/username", { username: "nobody", password: "wrong password" });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("x-retry-after")).toBe(limited.headers.get("retry-after"));
    // Other paths are not affected by this rule.
    expect((await client.post("/is-username-available", { username: "somebody" })).status).toBe(200);
  });

  it("customRules can tighten the rule, and rateLimit.enabled: false turns limits off", async () => {
    const strict = createAuth({
      secret: TEST_SECRET,
      logger: silentLogger,
      emailAndPassword: { enabled: true },
      plugins: [username()],
      rateLimit: { customRules: { "/is-username-available": { window: 60, max: 1 } } },
    });
    const a = new HttpClient(strict);
    expect((await a.post("/is-username-available", { username: "somebody" })).status).toBe(200);
    expect((await a.post("/is-username-available", { username: "somebody" })).status).toBe(429);

    const off = createAuth({
      secret: TEST_SECRET,
      logger: silentLogger,
      emailAndPassword: { enabled: true },
      plugins: [username()],
      rateLimit: { enabled: false },
    });
    const b = new HttpClient(off);
    for (let i = 0; i < 5; i++)
      expect(
        (await b.post("/sign-in/username", { username: "nobody", password: "wrong password" })).status,
      ).toBe(401);
  });

  it("a malformed rule is a start-up error naming it", () => {
    expect(() =>
      createAuth({
        secret: TEST_SECRET,
        rateLimit: { customRules: { "/sign-in/email": { window: 0, max: 3 } } },
      }),
    ).toThrow(/rateLimit.customRules\["\/sign-in\/email"\]/);
  });
});

describe("username plugin schema on SQLite", () => {
  it("auth.migrate() creates the username (unique) and displayUsername columns", async () => {
    const db = new Database(":memory:");
    const auth = createAuth({
      secret: TEST_SECRET,
      logger: silentLogger,
      database: db,
      plugins: [username()],
    });
    const plan = await auth.planMigration();
    expect(plan.join("\n")).toMatch(/"username"/);
    await auth.migrate();
    const columns = db.prepare(`pragma table_info("user")`).all() as { name: string }[];
    expect(columns.map((c) => c.name)).toEqual(expect.arrayContaining(["username", "displayUsername"]));
    const tableSql = (
      db.prepare(`select sql from sqlite_master where name = 'user'`).get() as { sql: string }
    ).sql;
    expect(tableSql).toMatch(/"username" text unique/i);
    expect(await auth.planMigration()).toEqual([]);
    await auth.close();
    db.close();
  });

  it("adds the columns to a database migrated before the plugin was installed", async () => {
    const db = new Database(":memory:");
    const before = createAuth({ secret: TEST_SECRET, logger: silentLogger, database: db });
    await before.migrate();
    const without = (db.prepare(`pragma table_info("user")`).all() as { name: string }[]).map((c) => c.name);
    expect(without).not.toContain("username");
    const after = createAuth({
      secret: TEST_SECRET,
      logger: silentLogger,
      database: db,
      plugins: [username()],
    });
    const ran = await after.migrate();
    expect(ran.join("\n")).toMatch(/username/);
    const withPlugin = (db.prepare(`pragma table_info("user")`).all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(withPlugin).toEqual(expect.arrayContaining(["username", "displayUsername"]));
    db.close();
  });
});

describe("plugin interface (a tiny inline plugin)", () => {
  const seen: { endpoint: string; path: string }[] = [];
  const created: Record<string, unknown>[] = [];

  /** Contributes an endpoint, a schema field, an endpoint hook, a database hook and an error code. */
  function greeter(): Plugin {
    return {
      id: "greeter",
      schema: { user: { fields: { favouriteColour: { type: "string", required: false, input: true } } } },
      databaseHooks: {
        user: {
          create: {
            before: (data) => ({ data: { ...data, favouriteColour: data.favouriteColour ?? "teal" } }),
            after: (row) => void created.push(row),
          },
        },
      },
      hooks: {
        before(event) {
          seen.push({ endpoint: event.endpoint, path: event.path });
          const body = event.body as { name?: unknown } | undefined;
          if (event.endpoint === "greet" && body?.name === "Mallory") {
            // No message: the one declared in errorCodes is used.
            throw new AuthError(403, "GREETER_REFUSED");
          }
        },
      },
      errorCodes: { GREETER_REFUSED: "No greetings for Mallory" },
      endpoints: {
        greet: defineEndpoint({
          method: "POST",
          path: "/greeter/hello",
          body: z.object({ name: z.string().min(1) }),
          async handler(ctx) {
            const session = await ctx.getSession();
            return { greeting: `Hello ${ctx.body.name}`, colour: session?.user.favouriteColour ?? null };
          },
        }),
      },
    };
  }

  const auth = createAuth({
    secret: TEST_SECRET,
    logger: silentLogger,
    emailAndPassword: { enabled: true },
    plugins: [greeter()],
  });

  it("the endpoint is served over HTTP (validated) and as auth.api.greet", async () => {
    const client = new Client(auth);
    const res = await client.post("/greeter/hello", { name: "Ada" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ greeting: "Hello Ada", colour: null });
    const invalid = await client.post("/greeter/hello", { name: "" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe("VALIDATION_ERROR");
    const wrongMethod = await client.get("/greeter/hello");
    expect(wrongMethod.status).toBe(405);

    const api = auth.api as unknown as Record<string, (options: unknown) => Promise<unknown>>;
    expect(typeof api.greet).toBe("function");
    await expect(api.greet!({ body: { name: "Lin" } })).resolves.toEqual({
      greeting: "Hello Lin",
      colour: null,
    });
  });

  it("the schema field is in the schema, set by the database hook, and settable at sign-up", async () => {
    expect(auth.$context.schema.user?.fields.favouriteColour).toMatchObject({ type: "string" });
    const a = new Client(auth);
    const signUpA = await a.post("/sign-up/email", {
      name: "A",
      email: uniqueEmail("g"),
      password: PASSWORD,
    });
    expect(signUpA.status).toBe(200);
    expect(signUpA.body.user.favouriteColour).toBe("teal");
    expect(created.at(-1)?.favouriteColour).toBe("teal");
    expect((await a.post("/greeter/hello", { name: "A" })).body.colour).toBe("teal");

    const b = new Client(auth);
    const signUpB = await b.post("/sign-up/email", {
      name: "B",
      email: uniqueEmail("g"),
      password: PASSWORD,
      favouriteColour: "plum",
    });
    expect(signUpB.status).toBe(200);
    expect(signUpB.body.user.favouriteColour).toBe("plum");
    expect((await b.get("/get-session")).body.user.favouriteColour).toBe("plum");
  });

  it("the endpoint hook sees core and plugin endpoints", async () => {
    seen.length = 0;
    await new Client(auth).get("/get-session");
    await new Client(auth).post("/greeter/hello", { name: "Hook" });
    expect(seen).toEqual([
      { endpoint: "getSession", path: "/get-session" },
      { endpoint: "greet", path: "/greeter/hello" },
    ]);
  });

  it("the plugin's error code reaches HTTP and auth.api", async () => {
    const res = await new Client(auth).post("/greeter/hello", { name: "Mallory" });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: "GREETER_REFUSED", message: "No greetings for Mallory" });
    const api = auth.api as unknown as Record<string, (options: unknown) => Promise<unknown>>;
    await expect(api.greet!({ body: { name: "Mallory" } })).rejects.toMatchObject({
      name: "AuthError",
      status: 403,
      code: "GREETER_REFUSED",
    });
  });

  it("a plugin endpoint that clashes with a core one, or a plugin listed twice, throws at createAuth", () => {
    const clash: Plugin = {
      id: "clash",
      endpoints: { getSession: defineEndpoint({ method: "GET", path: "/x", handler: async () => null }) },
    };
    expect(() => createAuth({ secret: TEST_SECRET, plugins: [clash] })).toThrow(/getSession/);
    expect(() => createAuth({ secret: TEST_SECRET, plugins: [greeter(), greeter()] })).toThrow(
      /listed twice/,
    );
  });
});

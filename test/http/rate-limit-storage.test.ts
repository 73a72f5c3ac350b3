/**
 * Shared rate-limit storage over real HTTP: the `rateLimit` table on SQLite (one file, two
 * instances) and PostgreSQL, and Redis (two clients), each shared by two auth instances and
 * counting right under parallel requests; and the documented fallback when the store is away
 * (Redis behind a TCP proxy that is cut and restored, a dropped table, a Redis that never
 * answers): requests are still answered, limited per process, the outage is logged once, and
 * the shared store is used again once it is back.
 *
 * Each test mounts its instances under its own base path, so counters never meet those of
 * another test or run in the shared PostgreSQL and Redis.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/core/options.js";
import type { RedisClientLike } from "../../src/http/rate-limit-redis.js";
import { type CapturingLogger, capturingLogger, Client, SECRET } from "../core/harness.js";
import { requireService } from "../helpers/services.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
const REDIS = { host: "127.0.0.1", port: 6379 };

/** A rule on /sign-in/email long enough that no window ends during a test. */
const RULE = { window: 3600, max: 6 };

beforeEach(() => {
  // A minute into an hour-long window; Date only, sockets and timers stay real.
  vi.useFakeTimers({ toFake: ["Date"], now: Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

interface Instance {
  client: Client;
  logger: CapturingLogger;
  auth: ReturnType<typeof createAuth>;
}

/** Instances sharing one base path (so one set of counters) with the given options. */
function instances(count: number, options: (i: number) => AuthOptions): Instance[] {
  const basePath = `/api/auth-${randomUUID().slice(0, 8)}`;
  return Array.from({ length: count }, (_, i) => {
    const logger = capturingLogger();
    const auth = createAuth({ secret: SECRET, logger, basePath, ...options(i) });
    return { auth, logger, client: new Client(auth, { base: `http://localhost:3000${basePath}` }) };
  });
}

const rateLimit = (extra: NonNullable<AuthOptions["rateLimit"]>): AuthOptions["rateLimit"] => ({
  customRules: { "/sign-in/email": RULE },
  ...extra,
});

/** Sends one sign-in attempt per entry, from the instance it names, in order; returns the statuses. */
async function sequential(order: Instance[]): Promise<number[]> {
  const out: number[] = [];
  for (const inst of order) out.push((await inst.client.post("/sign-in/email", {})).status);
  return out;
}

/** Sends `n` attempts at once, alternating between the instances; returns how many were not limited. */
async function parallel(list: Instance[], n: number): Promise<{ passed: number; limited: number }> {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) => list[i % list.length]!.client.post("/sign-in/email", {})),
  );
  const statuses = answers.map((a) => a.status);
  expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
  return {
    passed: statuses.filter((s) => s !== 429).length,
    limited: statuses.filter((s) => s === 429).length,
  };
}

/** Both instances together get RULE.max, alternating, then both are refused. */
async function expectShared([a, b]: Instance[]): Promise<void> {
  const first = await sequential([a!, b!, a!, b!, a!, b!]);
  expect(first.every((s) => s === 400)).toBe(true);
  expect(await sequential([a!, b!])).toEqual([429, 429]);
}

describe("storage: database", () => {
  it("adds the rateLimit model to the schema and its migration", async () => {
    const db = new Database(":memory:");
    try {
      const auth = createAuth({ secret: SECRET, database: db, rateLimit: { storage: "database" } });
      expect(auth.$context.schema.rateLimit?.fields).toMatchObject({
        key: { type: "string", unique: true },
        count: { type: "number" },
        lastRequest: { type: "number" },
      });
      expect((await auth.planMigration()).join("\n")).toMatch(/create table "rateLimit"/i);
      const plain = createAuth({ secret: SECRET, database: new Database(":memory:") });
      expect(plain.$context.schema.rateLimit).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it("SQLite: one file, two instances share the counters, also under parallel requests", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-rl-"));
    const dbs: Database.Database[] = [];
    try {
      const list = instances(2, () => {
        const db = new Database(join(dir, "auth.db"));
        dbs.push(db);
        return { database: db, rateLimit: rateLimit({ storage: "database" }) };
      });
      await list[0]!.auth.migrate();
      await expectShared(list);
      const rows = await list[0]!.auth.$context.adapter.findMany({ model: "rateLimit" });
      expect(rows.some((r) => Number(r.count) >= RULE.max)).toBe(true);

      const fresh = instances(2, (i) => ({
        database: dbs[i]!,
        rateLimit: rateLimit({ storage: "database" }),
      }));
      expect(await parallel(fresh, 20)).toEqual({ passed: RULE.max, limited: 20 - RULE.max });
    } finally {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PostgreSQL: two instances (two pools) share the counters, also under parallel requests", async () => {
    const probe = new pg.Pool({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    const up = await requireService("postgres", async () => void (await probe.query("select 1")));
    await probe.end();
    if (!up) return;
    const pools = [new pg.Pool({ connectionString: PG_URL }), new pg.Pool({ connectionString: PG_URL })];
    try {
      const list = instances(2, (i) => ({
        database: pools[i]!,
        rateLimit: rateLimit({ storage: "database" }),
      }));
      await list[0]!.auth.migrate();
      await expectShared(list);
      const fresh = instances(2, (i) => ({
        database: pools[i]!,
        rateLimit: rateLimit({ storage: "database" }),
      }));
      expect(await parallel(fresh, 20)).toEqual({ passed: RULE.max, limited: 20 - RULE.max });
    } finally {
      for (const pool of pools) await pool.end();
    }
  });

  it("a missing table: requests are still answered, limited in memory, logged once; the table's return ends it", async () => {
    const db = new Database(":memory:");
    try {
      const [inst] = instances(1, () => ({ database: db, rateLimit: rateLimit({ storage: "database" }) }));
      const { auth, client, logger } = inst!;
      await auth.migrate();
      expect((await client.post("/sign-in/email", {})).status).toBe(400);
      db.exec('drop table "rateLimit"');
      const during = await sequential(Array.from({ length: RULE.max + 1 }, () => inst!));
      // Counted in memory from zero: max more, then refused.
      expect(during.slice(0, RULE.max).every((s) => s === 400)).toBe(true);
      expect(during[RULE.max]).toBe(429);
      const errors = logger.lines.filter((l) => l.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/rate-limit storage \(the sqlite database\) is unavailable/);
      await auth.migrate();
      expect((await client.post("/sign-in/email", {})).status).toBe(400);
      expect(logger.lines.filter((l) => l.level === "info" && /again/.test(l.message))).toHaveLength(1);
      expect(await auth.$context.adapter.count({ model: "rateLimit" })).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe("storage: redis", () => {
  const clients: Redis[] = [];
  const proxies: TcpProxy[] = [];
  let available: boolean | undefined;

  async function redisUp(): Promise<boolean> {
    if (available === undefined) {
      const probe = new Redis({
        ...REDIS,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on("error", () => {});
      available = await requireService("redis", async () => {
        await probe.connect();
        await probe.ping();
      });
      probe.disconnect();
    }
    return available;
  }

  /** An ioredis client, to the real server or through `port`; reconnects fast. */
  function redis(port = REDIS.port): Redis {
    const client = new Redis({ host: REDIS.host, port, retryStrategy: (times) => Math.min(times * 20, 200) });
    client.on("error", () => {});
    clients.push(client);
    return client;
  }

  async function ready(client: Redis): Promise<void> {
    for (let i = 0; i < 250 && client.status !== "ready"; i++) await new Promise((r) => setTimeout(r, 20));
    expect(client.status).toBe("ready");
  }

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const p of proxies) await p.close();
  });

  it("two instances (two clients) share the counters, also under parallel requests; keys expire with their window", async () => {
    if (!(await redisUp())) return;
    const list = instances(2, () => ({ rateLimit: rateLimit({ redis: redis() }) }));
    await expectShared(list);
    const fresh = instances(2, () => ({ rateLimit: rateLimit({ storage: "redis", redis: redis() }) }));
    expect(await parallel(fresh, 20)).toEqual({ passed: RULE.max, limited: 20 - RULE.max });

    const basePath = fresh[0]!.auth.$context.basePath;
    const keys = await clients[0]!.keys(`gatehouse:rate-limit:*${basePath}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const ttl = await clients[0]!.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(RULE.window * 1000);
    }
  });

  it("Redis away: requests answered and limited per process, logged once; Redis again once it is back", async () => {
    if (!(await redisUp())) return;
    const proxy = await startTcpProxy(REDIS);
    proxies.push(proxy);
    const viaProxy = redis(proxy.port);
    await ready(viaProxy);
    const [a, b] = instances(2, (i) => ({
      rateLimit: rateLimit({ redis: i === 0 ? viaProxy : redis() }),
    })) as [Instance, Instance];
    await expectShared([a, b]);

    // Redis goes away (for this client): live connections cut, new ones refused.
    proxy.pause("reset");
    proxy.cut();
    const during = await sequential(Array.from({ length: RULE.max + 2 }, () => a));
    expect(during.every((s) => s === 400 || s === 429)).toBe(true);
    // This process counts from zero in memory: max more, then refused.
    expect(during.slice(0, RULE.max).every((s) => s === 400)).toBe(true);
    expect(during.slice(RULE.max)).toEqual([429, 429]);
    const errors = a.logger.lines.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/rate-limit storage \(Redis\) is unavailable/);
    // Other paths are answered too (the general rule, in memory).
    expect((await a.client.get("/ok")).status).toBe(200);

    // Redis is back: the client reconnects by itself and the counters are shared again.
    proxy.resume();
    await ready(viaProxy);
    expect((await a.client.post("/sign-in/email", {})).status).toBe(429); // Redis still holds this window's count
    expect(
      a.logger.lines.filter((l) => l.level === "info" && /kept in Redis again/.test(l.message)),
    ).toHaveLength(1);
    const again = await sequential([a, b, a, b]);
    expect(again.every((s) => s === 429)).toBe(true);
    // A fresh path shows the two instances counting together again.
    const shared: number[] = [];
    for (const inst of [a, b, a, b, a, b, a, b, a, b, a])
      shared.push((await inst.client.post("/sign-up/email", {})).status);
    expect(shared.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(shared[10]).toBe(429);
    expect(a.logger.lines.filter((l) => l.level === "error")).toHaveLength(1);
  });

  it("a Redis that never answers: each request is answered after at most a second, from memory", async () => {
    const silent: RedisClientLike = { status: "ready", eval: () => new Promise<never>(() => {}) };
    const [inst] = instances(1, () => ({ rateLimit: rateLimit({ redis: silent }) }));
    const res = await inst!.client.post("/sign-in/email", {});
    expect(res.status).toBe(400);
    expect(inst!.logger.lines.filter((l) => l.level === "error")).toHaveLength(1);
    expect(inst!.logger.lines[0]!.rest[0]).toMatchObject({
      message: expect.stringMatching(/took over 1000 ms/),
    });
  });

  it("a client that is reconnecting is not asked (its queue would only wait)", async () => {
    let asked = 0;
    const reconnecting: RedisClientLike = {
      status: "reconnecting",
      eval: async () => {
        asked++;
        return 1;
      },
    };
    const [inst] = instances(1, () => ({ rateLimit: rateLimit({ redis: reconnecting }) }));
    const codes = await sequential(Array.from({ length: RULE.max + 1 }, () => inst!));
    expect(codes.at(-1)).toBe(429);
    expect(asked).toBe(0);
  });
});

/**
 * The built CLI (`dist/cli/index.js`, the package's `bin`) run as a child process: `secret`,
 * `migrate` and `generate` against TypeScript and JavaScript config files in a temp dir, on
 * SQLite and (when reachable) PostgreSQL, and the failure exits.
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireService } from "../helpers/services.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(ROOT, "dist/cli/index.js");
const DIST_INDEX = join(ROOT, "dist/index.js");
const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
const SECRET = "cli-test-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const TABLES = ["account", "session", "user", "verification"];

/** Builds dist once when a test run starts without it (`npm test` builds first). */
function ensureBuilt(): void {
  if (existsSync(CLI) && existsSync(DIST_INDEX)) return;
  execFileSync("npx", ["tsup"], { cwd: ROOT, stdio: "ignore" });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> ...args` in `cwd`; never rejects on a non-zero exit. */
function run(args: string[], options: { cwd: string; script?: string }): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [options.script ?? CLI, ...args],
      // The environment is inherited on purpose (VITEST included): the CLI must run as a child
      // of a vitest process too.
      { cwd: options.cwd, env: { ...process.env, NODE_ENV: "test" }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

function sqliteTables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
}

let tmp: string;

beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), "gatehouse-cli-"));
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("gatehouse secret", () => {
  it("prints a random base64url secret of at least 43 characters", async () => {
    const first = await run(["secret"], { cwd: tmp });
    const second = await run(["secret"], { cwd: tmp });
    expect(first.code).toBe(0);
    const secret = first.stdout.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(second.stdout.trim()).not.toBe(secret);
  });

  it("runs through a symlink named like the npm bin (node_modules/.bin/gatehouse)", async () => {
    const link = join(tmp, "gatehouse");
    if (!existsSync(link)) symlinkSync(CLI, link);
    const res = await run(["secret"], { cwd: tmp, script: link });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it("the CommonJS build runs too", async () => {
    const res = await run(["secret"], { cwd: tmp, script: join(ROOT, "dist/cli/index.cjs") });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it("starts with a node shebang, as a bin must", () => {
    expect(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

describe("gatehouse migrate / generate on SQLite", () => {
  it("a TypeScript config: generate prints CREATE TABLE, migrate creates the tables, then both say up to date", async () => {
    const dir = mkdtempSync(join(tmp, "ts-"));
    const dbFile = join(dir, "x.db");
    writeFileSync(
      join(dir, "auth.config.ts"),
      [
        `import { createAuth } from ${JSON.stringify(DIST_INDEX)};`,
        `const secret: string = ${JSON.stringify(SECRET)};`,
        `export const auth = createAuth({ secret, database: ${JSON.stringify(`sqlite:${dbFile}`)}, emailAndPassword: { enabled: true } });`,
        "",
      ].join("\n"),
    );

    const plan = await run(["generate", "--config", join(dir, "auth.config.ts")], { cwd: dir });
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    for (const table of TABLES) expect(plan.stdout).toMatch(new RegExp(`create table "${table}"`, "i"));
    expect(plan.stdout).toMatch(/;\n/);

    const first = await run(["migrate", "--config", join(dir, "auth.config.ts")], { cwd: dir });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ statement/);
    expect(sqliteTables(dbFile)).toEqual(expect.arrayContaining(TABLES));

    const second = await run(["migrate", "--config", join(dir, "auth.config.ts")], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/up to date/i);

    const after = await run(["generate", "--config=auth.config.ts"], { cwd: dir });
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/up to date/i);
    expect(after.stdout).not.toMatch(/create table/i);
  });

  it("a JavaScript (.mjs) config exporting default options works", async () => {
    const dir = mkdtempSync(join(tmp, "mjs-"));
    const dbFile = join(dir, "y.db");
    writeFileSync(
      join(dir, "auth.config.mjs"),
      `export default { secret: ${JSON.stringify(SECRET)}, database: ${JSON.stringify(`sqlite:${dbFile}`)} };\n`,
    );
    const res = await run(["migrate", "--config", "auth.config.mjs"], { cwd: dir });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(sqliteTables(dbFile)).toEqual(expect.arrayContaining(TABLES));
    expect((await run(["migrate", "--config", "auth.config.mjs"], { cwd: dir })).stdout).toMatch(
      /up to date/i,
    );
  });

  it("finds gatehouse.config.mjs in the working directory without --config", async () => {
    const dir = mkdtempSync(join(tmp, "default-"));
    const dbFile = join(dir, "z.db");
    writeFileSync(
      join(dir, "gatehouse.config.mjs"),
      [
        `import { createAuth } from ${JSON.stringify(DIST_INDEX)};`,
        `export const auth = createAuth({ secret: ${JSON.stringify(SECRET)}, database: ${JSON.stringify(`sqlite:${dbFile}`)} });`,
        "",
      ].join("\n"),
    );
    const res = await run(["migrate"], { cwd: dir });
    expect(res.code).toBe(0);
    expect(sqliteTables(dbFile)).toEqual(expect.arrayContaining(TABLES));
  });

  it("a plugin's schema (username) is migrated from the config", async () => {
    const dir = mkdtempSync(join(tmp, "plugin-"));
    const dbFile = join(dir, "p.db");
    writeFileSync(
      join(dir, "auth.ts"),
      [
        `import { createAuth } from ${JSON.stringify(DIST_INDEX)};`,
        `import { username } from ${JSON.stringify(join(ROOT, "dist/plugins/username/index.js"))};`,
        `export const auth = createAuth({ secret: ${JSON.stringify(SECRET)}, database: ${JSON.stringify(`sqlite:${dbFile}`)}, plugins: [username()] });`,
        "",
      ].join("\n"),
    );
    const res = await run(["migrate", "--config", "auth.ts"], { cwd: dir });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const db = new Database(dbFile, { readonly: true });
    const columns = (db.prepare(`pragma table_info("user")`).all() as { name: string }[]).map((c) => c.name);
    db.close();
    expect(columns).toEqual(expect.arrayContaining(["username", "displayUsername"]));
  });
});

describe("gatehouse failures", () => {
  it("a missing --config file -> exit 1 with a clear message", async () => {
    const res = await run(["migrate", "--config", "nope/auth.config.ts"], { cwd: tmp });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/No config file found/);
    expect(res.stderr).toMatch(/nope\/auth\.config\.ts/);
    expect(res.stderr).toMatch(/--config/);
  });

  it("no config in the working directory -> exit 1 naming the paths it looked for", async () => {
    const dir = mkdtempSync(join(tmp, "empty-"));
    const res = await run(["generate"], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/No config file found.*gatehouse\.config\.ts/);
  });

  it("a config that throws -> exit 1 with its message", async () => {
    const dir = mkdtempSync(join(tmp, "throws-"));
    writeFileSync(join(dir, "auth.config.mjs"), `throw new Error("config exploded");\n`);
    const res = await run(["migrate", "--config", "auth.config.mjs"], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/gatehouse migrate: .*config exploded/);
  });

  it("an unknown command -> exit 1 and the usage", async () => {
    const res = await run(["frobnicate"], { cwd: tmp });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Unknown command "frobnicate"/);
    expect(res.stderr).toMatch(/Usage: gatehouse/);
  });

  it("no command -> exit 1 with the usage; --help -> exit 0", async () => {
    const none = await run([], { cwd: tmp });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/Usage: gatehouse/);
    const help = await run(["--help"], { cwd: tmp });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/migrate/);
  });
});

const pgAvailable = await requireService("postgres", async () => {
  const pool = new pg.Pool({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await pool.query("select 1");
  } finally {
    await pool.end();
  }
});

describe("gatehouse migrate on PostgreSQL", () => {
  const available = pgAvailable;
  const schema = `gh_cli_${randomBytes(6).toString("hex")}`;
  let admin: pg.Pool | undefined;

  beforeAll(async () => {
    if (!available) return;
    admin = new pg.Pool({ connectionString: PG_URL });
    await admin.query(`create schema "${schema}"`);
  });
  afterAll(async () => {
    if (!admin) return;
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });

  it.skipIf(!available)(
    "a TypeScript config with a pg Pool (search_path = a fresh schema): generate, migrate, up to date, and the process exits promptly",
    async () => {
      const dir = mkdtempSync(join(tmp, "pg-"));
      writeFileSync(
        join(dir, "auth.config.ts"),
        [
          `import { createRequire } from "node:module";`,
          `import { createAuth } from ${JSON.stringify(DIST_INDEX)};`,
          // The temp dir has no node_modules: load pg from the repo.
          `const pg = createRequire(${JSON.stringify(join(ROOT, "package.json"))})("pg");`,
          `const pool = new pg.Pool({ connectionString: ${JSON.stringify(PG_URL)}, options: ${JSON.stringify(`-c search_path=${schema}`)} });`,
          `export const auth = createAuth({ secret: ${JSON.stringify(SECRET)}, database: pool });`,
          "",
        ].join("\n"),
      );
      const plan = await run(["generate", "--config", "auth.config.ts"], { cwd: dir });
      expect(plan.stderr).toBe("");
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/create table "user"/i);

      const started = Date.now();
      const first = await run(["migrate", "--config", "auth.config.ts"], { cwd: dir });
      // The app's pool stays open after migrate; the CLI must exit anyway, not after pg's
      // 10 s idle timeout.
      expect(Date.now() - started).toBeLessThan(8000);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Applied \d+ statement/);

      const tables = await admin!.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = $1 order by table_name",
        [schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(TABLES);

      const second = await run(["migrate", "--config", "auth.config.ts"], { cwd: dir });
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/up to date/i);
      expect((await run(["generate", "--config", "auth.config.ts"], { cwd: dir })).stdout).toMatch(
        /up to date/i,
      );
    },
  );

  it.skipIf(!available)("a postgres:// URL string as database (the CLI closes its own pool)", async () => {
    const dir = mkdtempSync(join(tmp, "pgurl-"));
    // search_path through the URL's `options` parameter keeps this run in the fresh schema too.
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    writeFileSync(
      join(dir, "auth.config.mjs"),
      `export default { secret: ${JSON.stringify(SECRET)}, database: ${JSON.stringify(url)} };\n`,
    );
    const res = await run(["migrate", "--config", "auth.config.mjs"], { cwd: dir });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/up to date/i);
  });
});

/**
 * Kysely and zod are bundled into the built package (tsup `noExternal`): loading hundreds of
 * their small module files was most of `import("gatehouse")`. These tests run the built package
 * in child processes to check what bundling could break: the dist files no longer import them
 * at runtime, a Kysely instance made with the app's own `kysely` package still works as the
 * database (a second copy of Kysely builds the SQL against the app's instance), and a plugin
 * endpoint whose schema comes from the app's own `zod` still validates.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every built JavaScript file under dist/. */
function builtFiles(dir = join(ROOT, "dist")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return builtFiles(path);
    return /\.(c?js)$/.test(entry.name) ? [path] : [];
  });
}

/** Runs `source` with node from the package root (self-reference resolves "gatehouse"). */
function run(source: string, kind: "esm" | "cjs"): Promise<string> {
  const args = kind === "esm" ? ["--input-type=module", "-e", source] : ["-e", source];
  return new Promise((done, fail) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${kind} script failed: ${stderr || error.message}`));
      else done(stdout.trim());
    });
  });
}

/** The same app in both module systems: the app's own Kysely and zod, Gatehouse from dist. */
const app = (load: (name: string) => string): string => `
  const { createAuth, defineEndpoint } = ${load("gatehouse")};
  const { Kysely, SqliteDialect } = ${load("kysely")};
  const { z } = ${load("zod")};
  const Database = ${load("better-sqlite3")};
  (async () => {
    const db = new Kysely({ dialect: new SqliteDialect({ database: new Database(":memory:") }) });
    const echo = defineEndpoint({
      method: "POST",
      path: "/echo",
      body: z.object({ word: z.string().min(3) }),
      handler: async (ctx) => ({ word: ctx.body.word }),
    });
    const auth = createAuth({
      secret: "bundled-deps-test-secret-0123456789abcdef",
      database: db,
      emailAndPassword: { enabled: true },
      rateLimit: { enabled: false },
      plugins: [{ id: "echo", endpoints: { echo } }],
    });
    await auth.migrate();
    const signUp = await auth.api.signUpEmail({
      body: { email: "bundle@example.com", password: "a long bundled passphrase", name: "B" },
      returnHeaders: true,
    });
    const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
    const again = await auth.api.getSession({ headers: new Headers({ cookie }) });
    const ok = await auth.api.echo({ body: { word: "hello" } });
    let invalid = null;
    try { await auth.api.echo({ body: { word: "x" } }); } catch (error) { invalid = error.code; }
    const rows = await db.selectFrom("user").select(["email"]).execute();
    console.log(JSON.stringify({
      email: session && session.user.email,
      again: again && again.session.id === session.session.id,
      echo: ok.word,
      invalid,
      rows: rows.map((r) => r.email),
    }));
    await db.destroy();
  })().catch((error) => { console.error(error); process.exit(1); });
`;

describe("bundled Kysely and zod (built package)", () => {
  it("no built file imports kysely or zod at runtime", () => {
    // esbuild writes imports with double quotes at the start of a line; Kysely's bundled JSDoc
    // examples mention 'kysely' in single quotes inside comments, which these patterns skip.
    const runtimeImport = [
      /^import\b[^\n]*\bfrom "(?:kysely|zod)(?:\/[^"]*)?";/m,
      /^import "(?:kysely|zod)(?:\/[^"]*)?";/m,
      /\b(?:require|import)\("(?:kysely|zod)(?:\/[^"]*)?"\)/,
    ];
    const offenders = builtFiles().filter((file) => {
      const text = readFileSync(file, "utf8");
      return runtimeImport.some((pattern) => pattern.test(text));
    });
    expect(offenders.map((f) => f.slice(ROOT.length + 1))).toEqual([]);
  });

  it.each(["esm", "cjs"] as const)(
    "%s: a Kysely instance and zod schemas from the app's own packages work with the bundled copies",
    async (kind) => {
      // ESM gets better-sqlite3 (CommonJS) as the default export of its namespace.
      const source =
        kind === "esm"
          ? app((name) =>
              name === "better-sqlite3"
                ? `(await import("better-sqlite3")).default`
                : `await import(${JSON.stringify(name)})`,
            )
          : app((name) => `require(${JSON.stringify(name)})`);
      const out = JSON.parse(await run(source, kind));
      expect(out).toEqual({
        email: "bundle@example.com",
        again: true,
        echo: "hello",
        invalid: "VALIDATION_ERROR",
        rows: ["bundle@example.com"],
      });
    },
  );
});

/**
 * Kysely and zod are bundled into the built package (tsup `noExternal`): loading hundreds of
 * their small module files was most of `import("gatehouse")`. These tests run the built package
 * in child processes to check what bundling could break: the dist files no longer import them
 * at runtime, a Kysely instance made with the app's own `kysely` package still works as the
 * database (a second copy of Kysely builds the SQL against the app's instance), and a plugin
 * endpoint whose schema comes from the app's own `zod` (classic or `zod/mini`) still validates.
 *
 * Gatehouse's own schemas use `zod/mini`: the classic `z` namespace re-exports all 64 locales
 * and cannot be tree-shaken, so it made a ~790 KB chunk that was ~80 ms of `import("gatehouse")`.
 * The last tests keep it out of the bundle and check that the English messages still are in.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
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

/** The files `entry` loads through static `import` / `export ... from`, itself included. */
function staticImportGraph(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^(?:import|export)\b[^;"']*?"(\.\.?\/[^"]+)"/gm))
      pending.push(resolve(dirname(file), match[1] as string));
  }
  return [...seen];
}

/**
 * Bytes of `text` that came from each source, by the `// <path>` comment esbuild writes above
 * every bundled module: "src", or "node_modules/<package>" whatever the path before it.
 */
function bytesBySource(text: string): Map<string, number> {
  const sizes = new Map<string, number>();
  let source: string | undefined;
  for (const line of text.split("\n")) {
    const header = /^\/\/ \S*?(node_modules\/[^/\s]+|src)\/\S+$/.exec(line);
    if (header) source = header[1];
    if (source) sizes.set(source, (sizes.get(source) ?? 0) + Buffer.byteLength(line) + 1);
  }
  return sizes;
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
  const zm = ${load("zod/mini")};
  const Database = ${load("better-sqlite3")};
  (async () => {
    const db = new Kysely({ dialect: new SqliteDialect({ database: new Database(":memory:") }) });
    const echo = defineEndpoint({
      method: "POST",
      path: "/echo",
      body: z.object({ word: z.string().min(3) }),
      handler: async (ctx) => ({ word: ctx.body.word }),
    });
    const echoMini = defineEndpoint({
      method: "POST",
      path: "/echo-mini",
      body: zm.object({ word: zm.string().check(zm.minLength(3)) }),
      handler: async (ctx) => ({ word: ctx.body.word }),
    });
    const auth = createAuth({
      secret: "bundled-deps-test-secret-0123456789abcdef",
      database: db,
      emailAndPassword: { enabled: true },
      rateLimit: { enabled: false },
      plugins: [{ id: "echo", endpoints: { echo, echoMini } }],
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
    const okMini = await auth.api.echoMini({ body: { word: "hello" } });
    let invalidMini = null;
    try { await auth.api.echoMini({ body: { word: "x" } }); } catch (error) { invalidMini = error.message; }
    const rows = await db.selectFrom("user").select(["email"]).execute();
    console.log(JSON.stringify({
      email: session && session.user.email,
      again: again && again.session.id === session.session.id,
      echo: ok.word,
      invalid,
      echoMini: okMini.word,
      invalidMini,
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
        echoMini: "hello",
        invalidMini: "[body.word] Too small: expected string to have >=3 characters",
        rows: ["bundle@example.com"],
      });
    },
  );

  it.each(["esm", "cjs"] as const)(
    "%s: Gatehouse's own schemas give zod's English messages (the locale survives bundling)",
    async (kind) => {
      // No zod of the app's here: the English locale must come from the bundle itself. A missing
      // locale would say "Invalid input" for everything.
      const load = (name: string): string =>
        kind === "esm" ? `await import(${JSON.stringify(name)})` : `require(${JSON.stringify(name)})`;
      const source = `
        (async () => {
          const { createAuth } = ${load("gatehouse")};
          const { memoryAdapter } = ${load("gatehouse/adapters/memory")};
          const auth = createAuth({
            secret: "bundled-deps-test-secret-0123456789abcdef",
            database: memoryAdapter,
            emailAndPassword: { enabled: true },
            rateLimit: { enabled: false },
          });
          const messages = [];
          for (const body of [{ email: "a@example.com" }, { email: "a@", password: "p" }, { email: "a@example.com", password: "" }]) {
            try { await auth.api.signInEmail({ body }); } catch (error) { messages.push(error.message); }
          }
          console.log(JSON.stringify(messages));
        })().catch((error) => { console.error(error); process.exit(1); });
      `;
      expect(JSON.parse(await run(source, kind))).toEqual([
        "[body.password] Invalid input: expected string, received undefined",
        "[body.email] Invalid email",
        "[body.password] Too small: expected string to have >=1 characters",
      ]);
    },
  );

  it("bundles no zod locale but English", () => {
    const locales = new Set<string>();
    const foreign: string[] = [];
    for (const file of builtFiles()) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/node_modules\/zod\/v4\/locales\/([\w-]+)\.js/g))
        locales.add(match[1] as string);
      // German, French and Japanese "invalid input", in case the path comments ever go.
      if (/Ungültige Eingabe|Entrée invalide|無効な入力/.test(text)) foreign.push(relative(ROOT, file));
    }
    expect([...locales]).toEqual(["en"]);
    expect(foreign).toEqual([]);
  });

  it("keeps the main entry's static import graph small", () => {
    // Measured at the switch to zod/mini (ESM): dist/index.js statically loads 46 files of
    // 765 KB, of which zod is 60 KB (Kysely 442 KB, our code 255 KB). With classic zod bundled it
    // was 1,462 KB, zod alone 755 KB. The bounds leave room to grow (~30% overall, zod 60 -> 100
    // KB) but fail at once if classic zod, or its locales, come back.
    const files = staticImportGraph(join(ROOT, "dist/index.js"));
    let total = 0;
    let zod = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      total += Buffer.byteLength(text);
      zod += bytesBySource(text).get("node_modules/zod") ?? 0;
    }
    expect(total).toBeLessThan(1_000_000);
    expect(zod).toBeGreaterThan(0);
    expect(zod).toBeLessThan(100_000);
  });
});

/**
 * The built package as a consumer sees it: every subpath of package.json "exports" imported
 * (ESM) and required (CJS) by name in child processes, both through self-reference and from a
 * consumer directory with `node_modules/gatehouse` linked to the repo; declaration files for
 * every entry; the packed file list; publint and @arethetypeswrong/cli when installed.
 */
import { execFile, execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
};

/** Each built subpath, the dist file stem behind it, and named exports it must have. */
const ENTRIES: { specifier: string; stem: string; exports: string[] }[] = [
  {
    specifier: "gatehouse",
    stem: "index",
    exports: ["createAuth", "AuthError", "defineEndpoint", "isAuthError"],
  },
  { specifier: "gatehouse/node", stem: "node/index", exports: ["toNodeHandler", "fromNodeHeaders"] },
  {
    specifier: "gatehouse/express",
    stem: "express/index",
    exports: ["getSession", "authSession", "requireAuth", "ExpressAuth"],
  },
  {
    specifier: "gatehouse/plugins/username",
    stem: "plugins/username/index",
    exports: ["username", "normalizeUsername", "USERNAME_ERROR_CODES"],
  },
  {
    specifier: "gatehouse/plugins/magic-link",
    stem: "plugins/magic-link/index",
    exports: ["magicLink", "MAGIC_LINK_ERROR_CODES"],
  },
  { specifier: "gatehouse/adapters/memory", stem: "adapters/memory", exports: ["memoryAdapter"] },
  { specifier: "gatehouse/adapters/kysely", stem: "adapters/kysely", exports: ["kyselyAdapter"] },
  // Every provider preset is a subpath whose default export is its factory.
  ...readdirSync(join(ROOT, "src/providers"))
    .filter((f) => f.endsWith(".ts") && !["engine.ts", "resolve.ts", "registry.ts", "types.ts"].includes(f))
    .map((f) => ({
      specifier: `gatehouse/providers/${f.slice(0, -3)}`,
      stem: `providers/${f.slice(0, -3)}`,
      exports: ["default"],
    })),
];

function ensureBuilt(): void {
  const missing = ENTRIES.some((e) => !existsSync(join(ROOT, "dist", `${e.stem}.js`)));
  if (missing) execFileSync("npx", ["tsup"], { cwd: ROOT, stdio: "ignore" });
}

interface Probe {
  /** specifier -> { keys, resolved, error } */
  [specifier: string]: { keys?: string[]; resolved?: string; error?: string };
}

function node(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const ESM_PROBE = `
const specifiers = JSON.parse(process.argv.at(-1));
const out = {};
for (const s of specifiers) {
  try {
    const mod = await import(s);
    out[s] = { keys: Object.keys(mod), resolved: import.meta.resolve(s) };
  } catch (error) {
    out[s] = { error: String(error && error.code ? error.code + ": " + error.message : error) };
  }
}
process.stdout.write(JSON.stringify(out));
`;

const CJS_PROBE = `
const specifiers = JSON.parse(process.argv.at(-1));
const out = {};
for (const s of specifiers) {
  try {
    const mod = require(s);
    out[s] = { keys: Object.keys(mod).filter((k) => k !== "__esModule"), resolved: require.resolve(s) };
  } catch (error) {
    out[s] = { error: String(error && error.code ? error.code + ": " + error.message : error) };
  }
}
process.stdout.write(JSON.stringify(out));
`;

let tmp: string;
let consumer: string;

beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), "gatehouse-pkg-"));
  // A consumer project: node_modules/gatehouse -> the repo, as `npm link` would make it.
  consumer = join(tmp, "consumer");
  mkdirSync(join(consumer, "node_modules"), { recursive: true });
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  symlinkSync(ROOT, join(consumer, "node_modules", "gatehouse"), "dir");
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs a probe as `node -e` in `cwd`, so specifiers resolve from there. */
async function probe(kind: "esm" | "cjs", cwd: string, list: string[]): Promise<Probe> {
  const args =
    kind === "esm"
      ? ["--input-type=module", "-e", ESM_PROBE, JSON.stringify(list)]
      : ["-e", CJS_PROBE, JSON.stringify(list)];
  const res = await node(args, cwd);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as Probe;
}

const SPECIFIERS = ENTRIES.map((e) => e.specifier);
const builtFile = (stem: string, ext: string): RegExp =>
  new RegExp(`[\\\\/]dist[\\\\/]${stem.replace(/\//g, "[\\\\/]")}\\${ext}$`);

describe.each([
  // Self-reference: the package imports itself by name through its own "exports".
  { where: "self-reference (cwd = the package)", dir: () => ROOT },
  { where: "a consumer with node_modules/gatehouse linked", dir: () => consumer },
])("exports by name from $where", ({ dir }) => {
  it("import() finds every entry in dist/*.js with its named exports", async () => {
    const result = await probe("esm", dir(), SPECIFIERS);
    for (const entry of ENTRIES) {
      const got = result[entry.specifier];
      expect(got?.error, entry.specifier).toBeUndefined();
      expect(got?.keys, entry.specifier).toEqual(expect.arrayContaining(entry.exports));
      expect(fileURLToPath(got!.resolved!), entry.specifier).toMatch(builtFile(entry.stem, ".js"));
    }
  });

  it("require() finds every entry in dist/*.cjs with the same named exports as import()", async () => {
    const [esm, cjs] = await Promise.all([probe("esm", dir(), SPECIFIERS), probe("cjs", dir(), SPECIFIERS)]);
    for (const entry of ENTRIES) {
      const got = cjs[entry.specifier];
      expect(got?.error, entry.specifier).toBeUndefined();
      expect(got?.keys, entry.specifier).toEqual(expect.arrayContaining(entry.exports));
      expect(got?.resolved, entry.specifier).toMatch(builtFile(entry.stem, ".cjs"));
      expect([...(got?.keys ?? [])].sort(), `${entry.specifier}: CJS and ESM export the same names`).toEqual(
        [...(esm[entry.specifier]?.keys ?? [])].sort(),
      );
    }
  });

  it("paths that are not exported are refused (ERR_PACKAGE_PATH_NOT_EXPORTED)", async () => {
    const result = await probe("esm", dir(), [
      "gatehouse/dist/index.js",
      "gatehouse/src/index.ts",
      "gatehouse/cli",
    ]);
    for (const value of Object.values(result)) expect(value.error).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});

describe("the built files", () => {
  it("every entry has .js, .cjs, .d.ts and .d.cts in dist", () => {
    for (const entry of ENTRIES) {
      for (const ext of [".js", ".cjs", ".d.ts", ".d.cts"]) {
        expect(existsSync(join(ROOT, "dist", `${entry.stem}${ext}`)), `dist/${entry.stem}${ext}`).toBe(true);
      }
    }
  });

  it("every file package.json names outright (exports without wildcards, bin, main, module, types) exists", () => {
    const targets: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === "string") targets.push(value);
      else if (value && typeof value === "object") for (const v of Object.values(value)) walk(v);
    };
    walk(pkg.exports);
    walk(pkg.bin);
    const top = pkg as unknown as Record<string, unknown>;
    for (const field of ["main", "module", "types"]) walk(top[field]);
    const concrete = targets.filter((t) => !t.includes("*"));
    expect(concrete.length).toBeGreaterThan(5);
    for (const target of concrete) expect(existsSync(join(ROOT, target)), target).toBe(true);
  });

  it("every wildcard export matches at least one built file", () => {
    for (const [subpath, value] of Object.entries(pkg.exports)) {
      if (!subpath.includes("*")) continue;
      const matched = ENTRIES.some((e) => {
        const name = e.specifier.replace(/^gatehouse/, ".");
        const re = new RegExp(`^${subpath.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace("*", "[^/]+")}$`);
        return re.test(name);
      });
      expect(matched, `${subpath} -> ${JSON.stringify(value)}`).toBe(true);
    }
  });

  it("npm pack ships dist and the README, not src or test", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const [info] = JSON.parse(out) as { files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(["package.json", "README.md", "dist/index.js", "dist/cli/index.js"]),
    );
    for (const entry of ENTRIES) expect(files).toContain(`dist/${entry.stem}.d.ts`);
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);
  });
});

const hasPublint = existsSync(join(ROOT, "node_modules", ".bin", "publint"));
const hasAttw = existsSync(join(ROOT, "node_modules", ".bin", "attw"));
if (!hasPublint) console.warn("publint is not installed: skipping the publint check");
if (!hasAttw) console.warn("@arethetypeswrong/cli is not installed: skipping the attw check");

describe("package linters", () => {
  it.skipIf(!hasPublint)("publint --strict reports nothing", () => {
    const out = execFileSync(join(ROOT, "node_modules", ".bin", "publint"), ["--strict"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(out).toMatch(/All good/);
  });

  it.skipIf(!hasAttw)("@arethetypeswrong/cli finds no type problems for node16 and bundlers", () => {
    // node10 cannot see subpath exports at all; engines.node is >= 20.19, so it is not a target.
    const entrypoints = ENTRIES.map((e) => e.specifier.replace(/^gatehouse/, "."));
    const out = execFileSync(
      join(ROOT, "node_modules", ".bin", "attw"),
      ["--pack", ".", "--profile", "node16", "--format", "json", "--entrypoints", ...entrypoints],
      { cwd: ROOT, encoding: "utf8" },
    );
    // The JSON report lists node10 problems too (the profile only keeps them from failing the run).
    const report = JSON.parse(out) as { analysis: { problems: { resolutionKind?: string }[] } };
    expect(report.analysis.problems.filter((p) => p.resolutionKind !== "node10")).toEqual([]);
  });
});

/**
 * docs/security.md stays true: every file it names exists, every test title it quotes is in the
 * file it is quoted after, its local links and anchors resolve, the ASVS map has one row per
 * Level 1 and Level 2 requirement of its chapters (at that level), and the summary adds up to the
 * rows. The last group checks the claims of absence the map rests on (no default accounts, no
 * password hints, no password expiry), which no other suite tests.
 */
import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import { COMMON_PASSWORDS } from "../../src/flows/common-passwords-list.js";
import { TEST_SECRET } from "../helpers/http.js";

const ROOT = new URL("../../", import.meta.url);
const DOC = "docs/security.md";
const doc = readFileSync(new URL(DOC, ROOT), "utf8");
const lines = doc.split("\n");

/**
 * The Level 1 and 2 requirements of ASVS 5.0.0 the doc maps: per section, the level of each
 * requirement in order (Level 3 requirements, always last in these sections, are left out).
 */
const ASVS: Record<string, Record<string, string>> = {
  V6: {
    "6.1": "122",
    "6.2": "111111112222",
    "6.3": "1122",
    "6.4": "1122",
    "6.5": "22222",
    "6.6": "222",
    "6.8": "2222",
  },
  V7: { "7.1": "222", "7.2": "1111", "7.3": "22", "7.4": "11222", "7.5": "22", "7.6": "22" },
  "V3.3": { "3.3": "1222" },
  "V3.5": { "3.5": "11122" },
  V9: { "9.1": "111", "9.2": "1222" },
  V10: {
    "10.1": "22",
    "10.2": "22",
    "10.3": "2222",
    "10.4": "11111222222",
    "10.5": "22222",
    "10.6": "22",
    "10.7": "222",
  },
};
const STATUSES = ["met", "partly", "not met", "n/a"] as const;
type Status = (typeof STATUSES)[number];

interface Row {
  id: string;
  level: string;
  status: Status;
  evidence: string;
}

function chapterOf(id: string): string {
  return id.startsWith("3.3.") || id.startsWith("3.5.") ? `V${id.slice(0, 3)}` : `V${id.split(".")[0]}`;
}

const ROW = /^\| (\d+\.\d+\.\d+) \| (\d) \| [^|]+ \| (met|partly|not met|n\/a) \| ([^|]+) \|$/;
const rowLines = lines.filter((line) => /^\| \d+\.\d+\.\d+ \|/.test(line));
const rows: Row[] = rowLines.flatMap((line) => {
  const m = ROW.exec(line);
  return m ? [{ id: m[1]!, level: m[2]!, status: m[3] as Status, evidence: m[4]! }] : [];
});

/** A path in backticks: a file or folder of the repository. */
const PATH = /`((?:test|src|bench|docs|scripts|examples)\/[^`\s]*)`/g;

/** Every (file, title) pair: the double-quoted strings after a test file, up to the next path. */
function quotedTitles(line: string): { file: string; title: string }[] {
  const paths = [...line.matchAll(PATH)];
  return paths.flatMap((m, i) => {
    if (!m[1]!.endsWith(".ts")) return [];
    const end = i + 1 < paths.length ? paths[i + 1]!.index : line.length;
    // Code spans are options and values (`strategy: "jwt"`), never titles.
    const after = line.slice(m.index + m[0].length, end).replace(/`[^`]*`/g, "");
    return [...after.matchAll(/"([^"]+)"/g)].map((q) => ({ file: m[1]!, title: q[1]! }));
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

describe("docs/security.md: references", () => {
  it("names only files and folders that exist", () => {
    const paths = new Set(lines.flatMap((line) => [...line.matchAll(PATH)].map((m) => m[1]!)));
    expect(paths.size).toBeGreaterThan(30);
    expect([...paths].filter((p) => !existsSync(new URL(p, ROOT)))).toEqual([]);
  });

  it("quotes only test titles that are in the file they follow", () => {
    const quoted = lines.flatMap(quotedTitles);
    expect(quoted.length).toBeGreaterThan(100);
    const missing = quoted.filter(({ file, title }) => {
      const url = new URL(file, ROOT);
      return !existsSync(url) || !readFileSync(url, "utf8").includes(title);
    });
    expect(missing).toEqual([]);
  });

  it("links only to local files and headings that exist", () => {
    const anchors = new Set(lines.filter((l) => l.startsWith("#")).map((l) => slug(l.replace(/^#+ /, ""))));
    const links = [...doc.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    const broken = links.filter((link) =>
      link.startsWith("#") ? !anchors.has(link.slice(1)) : !existsSync(new URL(link, new URL(DOC, ROOT))),
    );
    expect(broken).toEqual([]);
  });
});

describe("docs/security.md: the ASVS map", () => {
  it("has a well-formed row for every line that starts with a requirement number", () => {
    expect(rowLines.filter((line) => !ROW.test(line))).toEqual([]);
  });

  it("has one row per Level 1 and 2 requirement of its chapters, at its level", () => {
    const expected = Object.values(ASVS).flatMap((sections) =>
      Object.entries(sections).flatMap(([section, levels]) =>
        [...levels].map((level, i) => `${section}.${i + 1} L${level}`),
      ),
    );
    expect(rows.map((r) => `${r.id} L${r.level}`)).toEqual(expected);
  });

  it("backs every met or partly row with a quoted test title, and every other row with a reason", () => {
    const bare = rows.filter((r) =>
      r.status === "met" || r.status === "partly"
        ? quotedTitles(r.evidence).length === 0
        : r.evidence.trim().length < 10,
    );
    expect(bare.map((r) => r.id)).toEqual([]);
  });

  it("has a summary that adds up to the rows", () => {
    const tally = (chapter?: string) => {
      const mine = rows.filter((r) => chapter === undefined || chapterOf(r.id) === chapter);
      return [mine.length, ...STATUSES.map((s) => mine.filter((r) => r.status === s).length)];
    };
    const summary = new Map(
      lines.flatMap((line) => {
        const m = /^\| (V[\d.]+|All)\b[^|]* \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$/.exec(line);
        return m ? [[m[1]!, m.slice(2).map(Number)] as const] : [];
      }),
    );
    expect([...summary.keys()]).toEqual([...Object.keys(ASVS), "All"]);
    for (const chapter of Object.keys(ASVS)) expect(summary.get(chapter), chapter).toEqual(tally(chapter));
    expect(summary.get("All")).toEqual(tally());
    const [total, met, , , na] = tally();
    expect(doc).toContain(`Met: **${met} of ${total! - na!}** applicable requirements.`);
  });

  it("has the sections the documentation requirements point to", () => {
    const headings = lines.filter((l) => l.startsWith("#")).map((l) => l.replace(/^#+ /, ""));
    for (const heading of [
      "Sign-in pathways",
      "Brute force and credential stuffing",
      "Session lifetimes",
      "Concurrent sessions",
      "Federated sign-in",
      "Security defaults",
      "Known limitations",
      "Reporting a vulnerability",
    ])
      expect(headings).toContain(heading);
  });
});

describe("claims of absence the map rests on", () => {
  const quiet = { info() {}, warn() {}, error() {} };

  afterEach(() => {
    vi.useRealTimers();
  });

  async function migrated(): Promise<Database.Database> {
    const db = new Database(":memory:");
    const auth = createAuth({
      secret: TEST_SECRET,
      database: db,
      emailAndPassword: { enabled: true },
      logger: quiet,
    });
    await auth.migrate();
    return db;
  }

  function columns(db: Database.Database): Record<string, string[]> {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
      name: string;
    }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        (db.prepare(`pragma table_info("${name}")`).all() as { name: string }[]).map((c) => c.name),
      ]),
    );
  }

  it("a freshly migrated database has no user: there are no default accounts", async () => {
    const db = await migrated();
    expect(Object.keys(columns(db))).toEqual(expect.arrayContaining(["user", "account", "session"]));
    expect(db.prepare('select count(*) as n from "user"').get()).toEqual({ n: 0 });
    expect(db.prepare('select count(*) as n from "account"').get()).toEqual({ n: 0 });
    db.close();
  });

  it("no table holds a password hint or secret question, and the account keeps one password field", async () => {
    const db = await migrated();
    const all = columns(db);
    const suspicious = Object.entries(all).flatMap(([table, names]) =>
      names.filter((n) => /hint|question|answer|reminder/i.test(n)).map((n) => `${table}.${n}`),
    );
    expect(suspicious).toEqual([]);
    expect(all.account!.filter((n) => /password/i.test(n))).toEqual(["password"]);
    expect(all.user!.filter((n) => /password|expir/i.test(n))).toEqual([]);
    db.close();
  });

  it("the common-password list holds more than 3,000 entries the default length policy allows", () => {
    const allowed = COMMON_PASSWORDS.split("\n").filter((p) => p.length >= 8 && p.length <= 128);
    expect(allowed.length).toBeGreaterThan(3000);
    expect(doc).toContain(`${allowed.length.toLocaleString("en-US")} of them 8 characters or longer`);
  });

  it("a password stays valid with age: a sign-in 550 days later works", async () => {
    const auth = createAuth({
      secret: TEST_SECRET,
      emailAndPassword: { enabled: true },
      rateLimit: { enabled: false },
      logger: quiet,
    });
    const body = { email: "old-password@example.test", password: "correct horse battery" };
    await auth.api.signUpEmail({ body: { name: "Old", ...body } });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 550 * 86_400_000);
    const result = await auth.api.signInEmail({ body });
    expect(result.token).toEqual(expect.any(String));
    expect(result.user.email).toBe(body.email);
  });
});

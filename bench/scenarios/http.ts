import { ACCOUNT, type Contender } from "../contenders.js";
import type { Table } from "../report.js";
import type { Settings } from "../settings.js";
import { interleave, type Request, type Summary, type Target } from "./interleave.js";
import { throughputTable } from "./tables.js";

/** The main servers, one per runnable contender, keyed by contender id. */
export type Targets = Map<string, Target>;

function pick(contenders: Contender[], targets: Targets, ids?: string[]): Target[] {
  return contenders
    .filter((c) => (ids ? ids.includes(c.id) : true))
    .map((c) => targets.get(c.id))
    .filter((t): t is Target => t !== undefined);
}

const protectedRequest = async (target: Target): Promise<Request> => ({
  url: target.server.url,
  path: "/api/protected",
  headers: { cookie: await target.prepared.cookie(target.server) },
  expectStatus: 200,
});

/** The protected JSON route with a valid session cookie; every contender. */
export async function protectedRoute(
  contenders: Contender[],
  targets: Targets,
  settings: Settings,
): Promise<{ table: Table; results: Map<string, Summary> }> {
  const results = await interleave("protected", pick(contenders, targets), protectedRequest, settings);
  const bare = results.get("bare");
  const table = throughputTable({
    id: "protected",
    title: "Protected route, valid session cookie",
    intro:
      "`GET /api/protected` answers `{ ok, user: { id, email } }` after the library checks the session " +
      "(Gatehouse: `requireAuth(auth)`; Better Auth: `auth.api.getSession({ headers: fromNodeHeaders(req.headers) })`; " +
      "Auth.js: `getSession(req, config)`). Bare Express answers the same JSON and checks nothing.",
    contenders,
    results,
    expected: 200,
    baseline: bare ? { summary: bare, label: "bare Express" } : undefined,
  });
  return { table, results };
}

/** The same route without a cookie: the 401 path. */
export async function noCookie(
  contenders: Contender[],
  targets: Targets,
  settings: Settings,
): Promise<Table> {
  const results = await interleave(
    "no-cookie",
    pick(contenders, targets),
    async (target) => ({ url: target.server.url, path: "/api/protected", expectStatus: 401 }),
    settings,
  );
  const bare = results.get("bare");
  return throughputTable({
    id: "no-cookie",
    title: "Protected route, no cookie (401)",
    intro:
      "The same route with no Cookie header; every contender answers 401 `{ code, message }`. " +
      "Bare Express answers 401 when the request has no Cookie header at all, which costs it nothing.",
    contenders,
    results,
    expected: 401,
    baseline: bare ? { summary: bare, label: "bare Express" } : undefined,
  });
}

const JSON_API_NOT_APPLICABLE = {
  bare: "n/a — no auth API",
  floor: "n/a — no auth API",
  authjs: "n/a — not a JSON-dialect library (its /auth/session is another API)",
};

/** `GET /api/auth/get-session` over HTTP, for the JSON-dialect contenders. */
export async function getSessionOverHttp(
  contenders: Contender[],
  targets: Targets,
  settings: Settings,
): Promise<Table> {
  const ids = contenders.filter((c) => !(c.id in JSON_API_NOT_APPLICABLE)).map((c) => c.id);
  const results = await interleave(
    "get-session",
    pick(contenders, targets, ids),
    async (target) => ({
      url: target.server.url,
      path: "/api/auth/get-session",
      headers: { cookie: await target.prepared.cookie(target.server) },
      expectStatus: 200,
    }),
    settings,
  );
  return throughputTable({
    id: "get-session",
    title: "`GET /api/auth/get-session` over HTTP",
    intro:
      "The JSON API's session endpoint with a valid cookie, through each library's Node handler " +
      "(`toNodeHandler(auth)` on `/api/auth/*splat`).",
    contenders: contenders.filter((c) => c.id !== "bare" && c.id !== "floor"),
    results,
    expected: 200,
    notApplicable: JSON_API_NOT_APPLICABLE,
  });
}

const HASHING: Record<string, string> = {
  "gatehouse-sqlite": "argon2id m=19456 KiB, t=2, p=1",
  "better-auth": "scrypt N=16384, r=16, p=1",
};
const PASSWORD_IDS = Object.keys(HASHING);
const PASSWORD_ROWS = [...PASSWORD_IDS, "authjs"];
const PASSWORD_NOT_APPLICABLE: Record<string, string> = {
  authjs:
    "n/a — Auth.js has no built-in email + password (its Credentials provider leaves storage and hashing to the app)",
};

/** Sign-in and sign-up with email + password, at each library's default hashing parameters. */
export async function emailPassword(
  contenders: Contender[],
  targets: Targets,
  settings: Settings,
  which: { signIn: boolean; signUp: boolean },
): Promise<Table> {
  const chosen = pick(contenders, targets, PASSWORD_IDS);
  const origin = (t: Target): Record<string, string> => ({ origin: t.server.url });
  const signIn = which.signIn
    ? await interleave(
        "sign-in",
        chosen,
        async (target) => ({
          url: target.server.url,
          path: "/api/auth/sign-in/email",
          method: "POST",
          headers: origin(target),
          body: JSON.stringify({ email: ACCOUNT.email, password: ACCOUNT.password }),
          expectStatus: 200,
          slow: true,
        }),
        settings,
      )
    : new Map<string, Summary>();
  const runTag = Date.now().toString(36);
  let runs = 0;
  const signUp = which.signUp
    ? await interleave(
        "sign-up",
        chosen,
        async (target) => {
          const run = `${runTag}-${runs++}`;
          return {
            url: target.server.url,
            path: "/api/auth/sign-up/email",
            method: "POST",
            headers: origin(target),
            bodyFor: (n) =>
              JSON.stringify({
                name: "New User",
                email: `new-${run}-${n}@example.com`,
                password: ACCOUNT.password,
              }),
            expectStatus: 200,
            slow: true,
          };
        },
        settings,
      )
    : new Map<string, Summary>();
  const signInTable = throughputTable({
    id: "sign-in",
    title: "",
    intro: "",
    contenders,
    results: signIn,
    expected: 200,
  });
  const signUpTable = throughputTable({
    id: "sign-up",
    title: "",
    intro: "",
    contenders,
    results: signUp,
    expected: 200,
  });
  const rows = PASSWORD_ROWS.map((id) => {
    const contender = contenders.find((c) => c.id === id);
    if (!contender) throw new Error(`unknown contender ${id}`);
    const reason = contender.unavailable ?? PASSWORD_NOT_APPLICABLE[id];
    if (reason) return [contender.label, reason, ...Array<string>(8).fill("—")];
    // req/s, p50, p99 and server CPU per request (which includes the hashing on the thread pool)
    const row = (table: Table): string[] => table.rows[contenders.indexOf(contender)]!.slice(1, 5);
    return [contender.label, ...row(signInTable), ...row(signUpTable), HASHING[id]!];
  });
  return {
    id: "email-password",
    title: "Email + password: sign-in and sign-up",
    intro:
      `\`POST /api/auth/sign-in/email\` (the same account every time; each answer is a new session) and ` +
      `\`POST /api/auth/sign-up/email\` (a new email every request), ${settings.connections} connections, ` +
      "each library at its default password hashing. Rate limiting is off for both so the hashing is what is measured. " +
      "Gatehouse's argon2id runs on libuv's thread pool (@node-rs/argon2); Better Auth's scrypt is node:crypto's, also on the thread pool.",
    columns: [
      "Contender",
      "sign-in req/s",
      "sign-in p50 (ms)",
      "sign-in p99 (ms)",
      "sign-in CPU (µs/req)",
      "sign-up req/s",
      "sign-up p50 (ms)",
      "sign-up p99 (ms)",
      "sign-up CPU (µs/req)",
      "password hashing",
    ],
    rows,
    notes: [...signInTable.notes, ...signUpTable.notes],
  };
}

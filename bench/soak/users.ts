import { randomBytes } from "node:crypto";
import type { Client, Outcome } from "./client.js";
import type { Answer } from "./tally.js";

const API = "/api/auth";

/** Credentials of one soak account. */
export interface Account {
  name: string;
  email: string;
  password: string;
}

/**
 * A password no common-password list holds ("soak-Pw-" and 12 random characters), so a policy
 * rejecting the most common passwords lets it through.
 */
export function soakPassword(): string {
  return `soak-Pw-${randomBytes(9).toString("base64url")}`;
}

/** Makes fresh accounts with unique emails for one run. */
export class Accounts {
  private readonly tag = randomBytes(4).toString("hex");
  private count = 0;

  next(): Account {
    this.count += 1;
    return {
      name: `Soak User ${this.count}`,
      email: `soak-${this.tag}-${this.count}@example.com`,
      password: soakPassword(),
    };
  }
}

/** One simulated person: a browser-like client, the account it uses, and whether it is signed in. */
export class VirtualUser {
  signedIn = false;

  constructor(
    readonly client: Client,
    public account: Account,
  ) {}
}

interface ParsedBody {
  json: unknown;
  ok: boolean;
}

function parse(body: string): ParsedBody {
  try {
    return { json: JSON.parse(body) as unknown, ok: true };
  } catch {
    return { json: undefined, ok: false };
  }
}

/** Label of a non-200 answer: its status and the error code of its body, if any. */
function statusLabel(status: number, json: unknown): string {
  const code = (json as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? `${status} ${code}` : String(status);
}

const snippet = (body: string): string => body.replace(/\s+/g, " ").slice(0, 200);

/**
 * The verdict every kind shares: transport failures, 429 and any other non-200 or non-JSON answer.
 * A JSON 200 comes back parsed, for the kind to judge.
 */
function common(outcome: Outcome): Answer | { status: number; body: string; json: unknown; ms: number } {
  if (!outcome.ok)
    return { label: outcome.error, verdict: "unexpected", ms: outcome.ms, detail: outcome.error };
  const parsed = parse(outcome.body);
  if (outcome.status === 429) {
    return {
      label: statusLabel(429, parsed.json),
      verdict: "intended",
      ms: outcome.ms,
      retryAfter: outcome.retryAfter,
    };
  }
  if (outcome.status !== 200 || !parsed.ok) {
    return {
      label: statusLabel(outcome.status, parsed.json),
      verdict: "unexpected",
      ms: outcome.ms,
      detail: snippet(outcome.body),
    };
  }
  return { status: outcome.status, body: outcome.body, json: parsed.json, ms: outcome.ms };
}

function isAnswer(value: Answer | object): value is Answer {
  return "verdict" in value;
}

function wrongBody(ms: number, why: string, body: string): Answer {
  return { label: "200 wrong body", verdict: "unexpected", ms, detail: `${why}: ${snippet(body)}` };
}

interface UserBody {
  user?: { id?: unknown; email?: unknown } | null;
  session?: { userId?: unknown } | null;
  token?: unknown;
  success?: unknown;
}

/** Signs a new account up; on success the user switches to it and is signed in. */
export async function signUp(user: VirtualUser, account: Account): Promise<Answer> {
  const result = common(await user.client.post(`${API}/sign-up/email`, account));
  if (isAnswer(result)) return result;
  const body = result.json as UserBody | null;
  if (body?.user?.email !== account.email || typeof body.token !== "string" || user.client.cookie === "")
    return wrongBody(result.ms, "sign-up answered 200 without the new user and a session", result.body);
  user.account = account;
  user.signedIn = true;
  return { label: "200", verdict: "ok", ms: result.ms };
}

/** Signs the user's account in with its password: a new session each time. */
export async function signIn(user: VirtualUser): Promise<Answer> {
  const { email, password } = user.account;
  const result = common(await user.client.post(`${API}/sign-in/email`, { email, password }));
  if (isAnswer(result)) return result;
  const body = result.json as UserBody | null;
  if (body?.user?.email !== email || typeof body.token !== "string" || user.client.cookie === "")
    return wrongBody(result.ms, "sign-in answered 200 without the user and a session", result.body);
  user.signedIn = true;
  return { label: "200", verdict: "ok", ms: result.ms };
}

/**
 * Checks the session: a signed-in user must get its own user back, a signed-out one `null`
 * (or 401), which is an intended answer rather than work done.
 */
export async function getSession(user: VirtualUser): Promise<Answer> {
  const outcome = await user.client.get(`${API}/get-session`);
  if (outcome.ok && outcome.status === 401 && !user.signedIn)
    return { label: "401 (signed out)", verdict: "intended", ms: outcome.ms };
  const result = common(outcome);
  if (isAnswer(result)) return result;
  const body = result.json as UserBody | null;
  if (!user.signedIn) {
    if (body === null) return { label: "200 null (signed out)", verdict: "intended", ms: result.ms };
    return wrongBody(result.ms, "a session was still valid after sign-out", result.body);
  }
  if (body === null) return wrongBody(result.ms, "the session of a signed-in user was gone", result.body);
  if (body.user?.email !== user.account.email || body.session?.userId !== body.user.id)
    return wrongBody(result.ms, "get-session answered another user or a mismatched session", result.body);
  return { label: "200", verdict: "ok", ms: result.ms };
}

/** Signs out: the session ends and the cookie is cleared. */
export async function signOut(user: VirtualUser): Promise<Answer> {
  const result = common(await user.client.post(`${API}/sign-out`, {}));
  if (isAnswer(result)) return result;
  const body = result.json as UserBody | null;
  if (body?.success !== true)
    return wrongBody(result.ms, "sign-out answered 200 without success", result.body);
  user.signedIn = false;
  // A browser drops the cookie when told to; if the server did not say so, the next session
  // check still sends it and must then get null.
  return { label: "200", verdict: "ok", ms: result.ms };
}

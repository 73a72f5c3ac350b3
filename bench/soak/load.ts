import { setTimeout as sleep } from "node:timers/promises";
import { KINDS, type Kind } from "./options.js";
import { seededRandom } from "./stats.js";
import type { Tally } from "./tally.js";
import { type Accounts, getSession, signIn, signOut, signUp, type VirtualUser } from "./users.js";

/**
 * Signs every user up with its own account before the timed run (the accounts later sign in).
 * A 429 is waited out (its Retry-After) and retried; any other failure stops the soak, as
 * nothing after it would mean anything.
 */
export async function signUpAll(users: VirtualUser[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < users.length; i = next++) {
      const user = users[i]!;
      for (let attempt = 1; ; attempt++) {
        const answer = await signUp(user, user.account);
        if (answer.verdict === "ok") break;
        if (answer.label.startsWith("429") && attempt < 20) {
          await sleep(1000 * Math.min(60, Math.max(1, answer.retryAfter ?? 1)));
          continue;
        }
        throw new Error(`sign-up of ${user.account.email} failed: ${answer.label} ${answer.detail ?? ""}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
}

/** How the mixed load runs. */
export interface MixSettings {
  /** Seconds. */
  duration: number;
  concurrency: number;
  mix: Record<Kind, number>;
  seed: number;
  /** Ends the run early (the server died: every further request would only fail). */
  signal?: AbortSignal | undefined;
}

/** Picks kinds at random with the mix's weights. */
function kindPicker(mix: Record<Kind, number>, seed: number): () => Kind {
  const random = seededRandom(seed);
  const total = KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  return () => {
    let r = random() * total;
    for (const kind of KINDS) {
      r -= mix[kind];
      if (r < 0) return kind;
    }
    return KINDS[0];
  };
}

/**
 * Runs the mix for `duration` seconds with `concurrency` requests in flight. Each request is
 * made by an idle user (a user never has two requests in flight), users taking turns in order;
 * a sign-out goes to the next idle signed-in user (a get-session is sent when there is none),
 * a sign-up creates a new account the user then keeps. Requests in flight at the end finish
 * and count. Resolves with the seconds the run took.
 */
export async function runMix(
  users: VirtualUser[],
  accounts: Accounts,
  settings: MixSettings,
  tally: Tally,
): Promise<number> {
  const idle = [...users];
  const pick = kindPicker(settings.mix, settings.seed);
  const started = performance.now();
  const deadline = started + settings.duration * 1000;
  const take = (kind: Kind): { user: VirtualUser; kind: Kind } => {
    if (kind === "sign-out") {
      const i = idle.findIndex((u) => u.signedIn);
      if (i >= 0) return { user: idle.splice(i, 1)[0]!, kind };
      kind = "get-session";
    }
    return { user: idle.shift()!, kind };
  };
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && !settings.signal?.aborted) {
      const { user, kind } = take(pick());
      const answer =
        kind === "get-session"
          ? await getSession(user)
          : kind === "sign-in"
            ? await signIn(user)
            : kind === "sign-up"
              ? await signUp(user, accounts.next())
              : await signOut(user);
      tally.record(kind, answer);
      idle.push(user);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  return (performance.now() - started) / 1000;
}

import { KINDS, type Kind } from "./options.js";
import { Samples } from "./stats.js";

/**
 * How an answer counts: "ok" is the work done as asked; "intended" is a refusal or empty answer
 * the server is meant to give (429 from a rate limit, no session after sign-out); "unexpected"
 * is everything else (5xx, a wrong status or body, socket errors, timeouts).
 */
export type Verdict = "ok" | "intended" | "unexpected";

/** One classified answer. */
export interface Answer {
  /** Status and code as the report lists it, e.g. "200", "429 TOO_MANY_REQUESTS", "ECONNRESET". */
  label: string;
  verdict: Verdict;
  ms: number;
  /** For unexpected answers: what was wrong, with a piece of the body. */
  detail?: string | undefined;
  /** For 429: the seconds the server asked to wait. */
  retryAfter?: number | undefined;
}

/** What one kind of request got. */
export interface KindTally {
  requests: number;
  ok: number;
  intended: number;
  unexpected: number;
  /** Label -> count and verdict. */
  answers: Map<string, { count: number; verdict: Verdict }>;
  /** Latency of the "ok" answers, in milliseconds. */
  latency: Samples;
}

/** Counts of a whole run, per kind, with the first unexpected answers kept for the report. */
export class Tally {
  readonly kinds: Record<Kind, KindTally>;
  readonly examples: { kind: Kind; label: string; detail: string }[] = [];
  total = 0;
  unexpected = 0;

  constructor() {
    this.kinds = Object.fromEntries(
      KINDS.map((kind) => [
        kind,
        { requests: 0, ok: 0, intended: 0, unexpected: 0, answers: new Map(), latency: new Samples() },
      ]),
    ) as Record<Kind, KindTally>;
  }

  record(kind: Kind, answer: Answer): void {
    const tally = this.kinds[kind];
    tally.requests += 1;
    this.total += 1;
    tally[answer.verdict] += 1;
    const seen = tally.answers.get(answer.label);
    if (seen) seen.count += 1;
    else tally.answers.set(answer.label, { count: 1, verdict: answer.verdict });
    if (answer.verdict === "ok") tally.latency.add(answer.ms);
    if (answer.verdict === "unexpected") {
      this.unexpected += 1;
      if (this.examples.length < 10)
        this.examples.push({ kind, label: answer.label, detail: answer.detail ?? "" });
    }
  }
}

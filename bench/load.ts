import autocannon, { type AutocannonRequest } from "autocannon";

/** One load run against one server. */
export interface LoadSpec {
  /** Base URL of the server, e.g. "http://127.0.0.1:4100". */
  url: string;
  path: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request's body (e.g. a unique email for sign-up); overrides `body`. */
  bodyFor?: (n: number) => string;
  /** The status a correct answer has; any other status is counted as unexpected. */
  expectStatus: number;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** Stop after this many responses instead of after `duration`. */
  amount?: number;
}

/** What one load run measured. */
export interface LoadResult {
  /** Responses with the expected status per second of the run. */
  rps: number;
  /** Latency percentiles in milliseconds, over every response. */
  p50: number;
  p99: number;
  /** Responses received. */
  responses: number;
  /** Responses with another status, and connection errors / timeouts. */
  unexpected: number;
  errors: number;
  /** Status code -> count, for diagnosing unexpected answers. */
  statuses: Record<string, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Runs autocannon in this process. Latencies are collected from every response at microsecond
 * precision (autocannon's own histogram rounds to whole milliseconds, too coarse here).
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const headers = { ...spec.headers };
  if (spec.body !== undefined || spec.bodyFor) headers["content-type"] ??= "application/json";
  const request: AutocannonRequest = {
    method: spec.method ?? "GET",
    path: spec.path,
    headers,
    body: spec.body,
  };
  if (spec.bodyFor) {
    const bodyFor = spec.bodyFor;
    let n = 0;
    request.setupRequest = (req) => ({ ...req, body: bodyFor(n++) });
  }
  let times = new Float64Array(1 << 16);
  let count = 0;
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.duration }),
    timeout: 30,
    // autocannon notices the end of a run only on a sample tick (every second by default).
    sampleInt: 100,
    requests: [request],
  });
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (count === times.length) {
      const grown = new Float64Array(times.length * 2);
      grown.set(times);
      times = grown;
    }
    times[count++] = ms;
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const result = await instance;
  const sorted = times.slice(0, count).sort();
  const expected = statuses[spec.expectStatus] ?? 0;
  return {
    rps: result.duration > 0 ? expected / result.duration : 0,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    responses: count,
    unexpected: count - expected,
    errors: result.errors + result.timeouts,
    statuses,
  };
}

/**
 * What every fuzzed request is held to, checked on the answer it got:
 *
 * 1. No 5xx. The one documented exception: 502 PROVIDER_UNAVAILABLE when the request names the
 *    OIDC provider whose issuer is unreachable (discovery fails, so the sign-in cannot start;
 *    `flows/oauth.ts` answers exactly that, and `docs` list it as the provider being down).
 * 2. A JSON error answer (4xx/5xx with a JSON content type) is `{ code, message }` with string
 *    values. The one documented exception: the browser routes answer a refused `POST /session`
 *    with `400 null`, byte for byte what Auth.js answers (`@auth/core` returns
 *    `Response.json(null, { status: 400 })` there), so Auth.js clients keep working.
 * 3. A refused request changes nothing in the database: no row of any table is written by a
 *    request answered 4xx, or by a browser-route form post redirected to `?error=MissingCSRF`
 *    (SQLite: triggers log every write; memory: all rows compared before and after). Rows
 *    `writtenOnRefusal` names are left out (see there why).
 * 4. Nothing is logged as an error (an internal error turned into a redirect is still a bug).
 * 5. Object.prototype and Array.prototype gain no properties (no prototype pollution).
 * 6. An answer comes within 15 s and the client can read it (Node's limits: 16 KiB of headers);
 *    the servers answer a health request after each property.
 */
import { counts, DEAD_OIDC, type RawRequest, type RawResponse, sendRaw, type Target } from "./harness.js";
import { type FuzzCase, materialize } from "./cases.js";

const objectKeys = Object.getOwnPropertyNames(Object.prototype).join(",");
const arrayKeys = Object.getOwnPropertyNames(Array.prototype).join(",");

function describeRequest(request: RawRequest): string {
  const body = request.body ? Buffer.from(request.body).toString("utf8") : "";
  return `${request.method} ${request.path.slice(0, 300)}\nheaders: ${JSON.stringify(request.headers).slice(0, 600)}\nbody (${request.body?.byteLength ?? 0} bytes): ${body.slice(0, 400)}`;
}

/** Where a browser-route answer sends the browser (Location, or `{ url }` with X-Auth-Return-Redirect). */
function redirectTarget(response: RawResponse, json: unknown): string | undefined {
  const location = response.headers.location;
  if (typeof location === "string") return location;
  if (json && typeof json === "object" && typeof (json as { url?: unknown }).url === "string")
    return (json as { url: string }).url;
  return undefined;
}

function isJSON(response: RawResponse): boolean {
  return String(response.headers["content-type"] ?? "").includes("json");
}

/** Parses a JSON answer; undefined when it is not JSON or not parseable. */
function parsed(response: RawResponse): { ok: true; value: unknown } | { ok: false } {
  if (!isJSON(response) || response.body.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(response.body.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/** The problems with one answer, by the invariants above (database and log checks aside). */
export function answerProblems(target: Target, request: RawRequest, response: RawResponse): string[] {
  const problems: string[] = [];
  const json = parsed(response);
  const requestText = `${request.path} ${request.body ? Buffer.from(request.body).toString("utf8") : ""}`;
  const code = json.ok ? (json.value as { code?: unknown } | null)?.code : undefined;
  if (response.status >= 500) {
    const documented =
      response.status === 502 && code === "PROVIDER_UNAVAILABLE" && requestText.includes(DEAD_OIDC);
    if (!documented) problems.push(`status ${response.status}`);
  }
  if (response.status >= 400 && request.method !== "HEAD" && isJSON(response)) {
    const authjsSessionRefusal =
      target.dialect === "browser" &&
      request.method === "POST" &&
      request.path.split("?")[0]!.replace(/\/+$/, "") === `${target.base}/session` &&
      response.status === 400 &&
      json.ok &&
      json.value === null;
    if (!json.ok) problems.push("JSON error answer that does not parse");
    else if (!authjsSessionRefusal) {
      const v = json.value as { code?: unknown; message?: unknown } | null;
      if (!v || typeof v !== "object" || typeof v.code !== "string" || typeof v.message !== "string")
        problems.push("JSON error answer without string code and message");
    }
  }
  return problems;
}

/** Whether an answer refuses the request (so it must not have written anything). */
export function isRefusal(target: Target, response: RawResponse): boolean {
  if (response.status >= 400 && response.status < 500) return true;
  if (target.dialect !== "browser") return false;
  const json = parsed(response);
  const to = redirectTarget(response, json.ok ? json.value : undefined);
  return to !== undefined && /[?&]error=MissingCSRF(&|$)/.test(to);
}

/** Answers per target and endpoint, by status (and error code or redirect error): how deep the fuzzer got. */
export const statuses: Record<string, Record<string, number>> = {};
/** With FUZZ_STATS: one request per kind of non-JSON error answer (Express's or Node's own). */
export const examples: Record<string, string> = {};

function answerKind(response: RawResponse): string {
  const json = parsed(response);
  const value = json.ok ? (json.value as { code?: unknown; field?: unknown } | null) : undefined;
  const code = value?.code === "VALIDATION_ERROR" ? `VALIDATION_ERROR ${String(value.field)}` : value?.code;
  const location = redirectTarget(response, json.ok ? json.value : undefined);
  const error = location ? /[?&]error=([^&]*)/.exec(location)?.[1] : undefined;
  return [response.status, typeof code === "string" ? code : error].filter(Boolean).join(" ");
}

/**
 * Sends one case and checks every invariant; throws with the request and the answer when one
 * does not hold (fast-check then shrinks the case).
 */
export async function runCase(target: Target, c: FuzzCase): Promise<RawResponse> {
  const request = await materialize(target, c);
  const errorsBefore = target.errors.length;
  const writes = await target.watch();
  counts[target.dialect] += 1;
  const response = await sendRaw(target.port, request).catch((error: Error) => {
    // No answer, or one the client cannot read (e.g. more than 16 KiB of headers).
    throw new Error(
      `${target.name}, ${c.endpoint}: no usable answer (${error.message})\n${describeRequest(request)}`,
    );
  });
  const key = `${target.name} ${c.endpoint}`;
  statuses[key] ??= {};
  const answer = answerKind(response);
  statuses[key][answer] = (statuses[key][answer] ?? 0) + 1;
  if (process.env.FUZZ_STATS && response.status >= 400 && !isJSON(response))
    examples[`${response.status} ${response.body.toString("utf8").slice(0, 80)}`] ??= describeRequest(
      request,
    ).slice(0, 300);

  const problems = answerProblems(target, request, response);
  if (isRefusal(target, response)) {
    const changes = await writes();
    if (changes.length > 0) problems.push(`refused, but the database changed:\n  ${changes.join("\n  ")}`);
  }
  if (target.errors.length > errorsBefore) {
    const logged = target.errors
      .slice(errorsBefore)
      .map((args) => args.map((a) => (a instanceof Error ? a.stack : String(a))).join(" "));
    problems.push(`logged an error: ${logged.join(" | ").slice(0, 1500)}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).join(",") !== objectKeys)
    problems.push("Object.prototype polluted");
  if (Object.getOwnPropertyNames(Array.prototype).join(",") !== arrayKeys)
    problems.push("Array.prototype polluted");

  if (problems.length > 0) {
    throw new Error(
      `${target.name}, ${c.endpoint}: ${problems.join("; ")}\n${describeRequest(request)}\n-> ${response.status} ${String(response.headers["content-type"] ?? "")} ${response.body.toString("utf8").slice(0, 500)}`,
    );
  }
  return response;
}

export { sendRaw };

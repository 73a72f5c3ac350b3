import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

/** What one request came back with: an answer, or a transport failure. */
export type Outcome =
  | {
      ok: true;
      status: number;
      body: string;
      setCookie: string[];
      /** Seconds from a Retry-After header, if any. */
      retryAfter?: number | undefined;
      ms: number;
    }
  /** `error` is the socket error code (ECONNRESET …) or "timeout". */
  | { ok: false; error: string; ms: number };

/**
 * The loopback source address for client number `index` (0-based): 127.1.0.1, 127.1.0.2, …
 * Linux routes all of 127.0.0.0/8 to the loopback interface, so a client bound to one of them
 * is a distinct address as far as the server (and a per-address rate limit) can tell.
 */
export function loopbackAddress(index: number): string {
  const n = index + 1;
  return `127.${1 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** Options of a {@link Client}. */
export interface ClientOptions {
  /** Base URL of the server, e.g. "http://127.0.0.1:4100". */
  url: string;
  /** Source address to connect from; default: the system's choice (127.0.0.1). */
  localAddress?: string | undefined;
  /** A request with no full answer after this many milliseconds is abandoned as "timeout". */
  timeoutMs: number;
}

/**
 * One browser-like client: one keep-alive connection from one source address, a cookie jar, and
 * an Origin header on POSTs (as a same-origin page would send).
 */
export class Client {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly origin: string;
  private readonly jar = new Map<string, string>();

  constructor(private readonly options: ClientOptions) {
    const url = new URL(options.url);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.origin = url.origin;
    // Idle connections are dropped before Node's server does (keepAliveTimeout 5 s), so a
    // request never races the server closing the socket it is reusing.
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 1,
      timeout: 4000,
      localAddress: options.localAddress,
    });
  }

  /** The Cookie header this client sends ("" when it holds none). */
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Forgets every cookie. */
  clearCookies(): void {
    this.jar.clear();
  }

  /** GET a path, with this client's cookies. */
  get(path: string): Promise<Outcome> {
    return this.send("GET", path, undefined);
  }

  /** POST JSON to a path, with this client's cookies and Origin. */
  post(path: string, body: unknown): Promise<Outcome> {
    return this.send("POST", path, JSON.stringify(body ?? {}));
  }

  /** Closes the connection. */
  close(): void {
    this.agent.destroy();
  }

  private send(method: "GET" | "POST", path: string, body: string | undefined): Promise<Outcome> {
    const headers: Record<string, string> = { accept: "application/json" };
    const cookie = this.cookie;
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
      headers.origin = this.origin;
    }
    const started = performance.now();
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const fail = (error: string): void => finish({ ok: false, error, ms: performance.now() - started });
      const req = request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
          res.on("end", () => {
            const setCookie = res.headers["set-cookie"] ?? [];
            this.store(setCookie);
            const retryAfter = Number(res.headers["retry-after"]);
            finish({
              ok: true,
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8"),
              setCookie,
              retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
              ms: performance.now() - started,
            });
          });
        },
      );
      const timer = setTimeout(() => {
        fail("timeout");
        req.destroy();
      }, this.options.timeoutMs);
      req.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
      req.end(body);
    });
  }

  /** Applies Set-Cookie lines to the jar: a new value replaces, an empty or expired one deletes. */
  private store(lines: string[]): void {
    for (const line of lines) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const eq = a.indexOf("=");
        const key = a
          .slice(0, eq < 0 ? undefined : eq)
          .trim()
          .toLowerCase();
        const v = eq < 0 ? "" : a.slice(eq + 1).trim();
        return (key === "max-age" && Number(v) <= 0) || (key === "expires" && Date.parse(v) < Date.now());
      });
      if (value === "" || expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

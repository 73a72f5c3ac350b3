/**
 * A stand-in OAuth 2 / OpenID Provider for provider and engine tests: a local HTTP server that
 * checks what a real provider checks (client id, redirect URI, PKCE S256, state, single-use
 * codes, client authentication) and answers with the documented response shapes. Each
 * provider test describes only what differs: its API routes and the JSON they return.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/** One request the stand-in received. */
export interface StandInRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** The body parsed as application/x-www-form-urlencoded (empty for other bodies). */
  form: URLSearchParams;
  /** The raw body text. */
  body: string;
}

type RouteAnswer = unknown | Response;

export interface StandInOptions {
  clientId: string;
  /** Expected client secret; without one the client is public (client_id alone at /token). */
  clientSecret?: string;
  /** Query parameter carrying the client id at /authorize (TikTok uses "client_key"). Default "client_id". */
  clientIdParam?: string;
  /**
   * Serve OIDC: discovery at /.well-known/openid-configuration (issuer = url, endpoints
   * /authorize, /token, /userinfo, /jwks) and an RS256 id_token (a fresh key per stand-in) in
   * the token response.
   */
  oidc?: boolean;
  /** ID token claims; iss, aud (= clientId), iat, exp (+600 s) and nonce (from the authorization request) are filled in unless given. */
  idTokenClaims?: Record<string, unknown>;
  /**
   * Merged over `{ access_token, token_type: "Bearer", expires_in: 3600, refresh_token, scope }`
   * (+ id_token for OIDC); or a function returning the whole JSON body, or a Response for odd
   * wire formats. An `access_token` in a returned JSON body is accepted by the API routes.
   */
  tokenResponse?: Record<string, unknown> | ((req: StandInRequest) => Record<string, unknown> | Response);
  /**
   * API routes keyed "METHOD /path": a JSON value, or a function of the request returning a
   * JSON value or a Response. Requests without `Authorization: Bearer <issued access token>`
   * get 401 unless the key is listed in `publicRoutes`. For OIDC, "GET /userinfo" defaults to
   * the ID token claims.
   */
  routes?: Record<string, RouteAnswer | ((req: StandInRequest) => RouteAnswer | Promise<RouteAnswer>)>;
  publicRoutes?: string[];
  /** Add iss=<issuer> to the authorization response (RFC 9207). Default false. */
  issInResponse?: boolean;
  /** Extra parameters sent back to the callback (e.g. Apple's `user`). */
  callbackParams?: Record<string, string>;
}

export interface StandIn {
  /** "http://127.0.0.1:<port>"; also the OIDC issuer. */
  url: string;
  authorizeURL: string;
  tokenURL: string;
  userinfoURL: string;
  /** Every request received, in order. */
  requests: StandInRequest[];
  /**
   * Signs a JWT with the stand-in's key (the one published at /jwks). iss, aud, iat and exp are
   * filled in like an ID token's unless the claims name them (name one as `undefined` to leave
   * it out).
   */
  signIdToken(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

interface IssuedCode {
  redirectURI: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string | undefined;
}

const random = (): string => randomBytes(24).toString("base64url");

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

function errorPage(message: string): Response {
  return new Response(
    `<!doctype html><title>Error</title><h1>400 Bad Request</h1><p>${escapeHtml(message)}</p>`,
    {
      status: 400,
      headers: { "content-type": "text/html; charset=utf-8" },
    },
  );
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1: each part form-urlencoded) or the form. */
function clientCredentials(
  req: StandInRequest,
  clientIdParam: string,
): { id?: string; secret?: string; method: string } {
  const authorization = req.headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const formDecode = (s: string): string => decodeURIComponent(s.replace(/\+/g, " "));
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
      method: "basic",
    };
  }
  return {
    id: req.form.get(clientIdParam) ?? req.form.get("client_id") ?? undefined,
    secret: req.form.get("client_secret") ?? undefined,
    method: "post",
  };
}

/** Starts a stand-in provider on 127.0.0.1 (a free port). */
export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const clientIdParam = options.clientIdParam ?? "client_id";
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const requests: StandInRequest[] = [];
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const kid = random().slice(0, 8);
  let url = "";

  async function signIdToken(claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const full: Record<string, unknown> = {
      iss: url,
      aud: options.clientId,
      iat: now,
      exp: now + 600,
      ...claims,
    };
    for (const [k, v] of Object.entries(full)) if (v === undefined) delete full[k];
    return new SignJWT(full).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(privateKey);
  }

  function authorize(req: StandInRequest): Response {
    const q = req.query;
    if (q.get("response_type") !== "code") return errorPage("response_type must be code");
    if (q.get(clientIdParam) !== options.clientId) return errorPage(`unknown ${clientIdParam}`);
    const redirectURI = q.get("redirect_uri");
    if (!redirectURI) return errorPage("redirect_uri is required");
    const codeChallenge = q.get("code_challenge");
    if (!codeChallenge || q.get("code_challenge_method") !== "S256")
      return errorPage("code_challenge with code_challenge_method=S256 is required");
    const state = q.get("state");
    if (!state) return errorPage("state is required");
    const code = random();
    codes.set(code, {
      redirectURI,
      codeChallenge,
      nonce: q.get("nonce") ?? undefined,
      scope: q.get("scope") ?? undefined,
    });
    const fields: Record<string, string> = { code, state };
    if (options.issInResponse) fields.iss = url;
    Object.assign(fields, options.callbackParams);
    if (q.get("response_mode") === "form_post") {
      const inputs = Object.entries(fields)
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join("");
      return new Response(
        `<!doctype html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectURI)}">${inputs}</form></body>`,
        { headers: { "content-type": "text/html; charset=utf-8" } },
      );
    }
    const target = new URL(redirectURI);
    for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
    return new Response(null, { status: 302, headers: { location: target.href } });
  }

  async function issueTokens(req: StandInRequest, issued: IssuedCode | undefined): Promise<Response> {
    if (typeof options.tokenResponse === "function") {
      const answer = options.tokenResponse(req);
      if (answer instanceof Response) {
        const body = (await answer
          .clone()
          .json()
          .catch(() => undefined)) as Record<string, unknown> | undefined;
        if (typeof body?.access_token === "string") accessTokens.add(body.access_token);
        return answer;
      }
      if (typeof answer.access_token === "string") accessTokens.add(answer.access_token);
      if (typeof answer.refresh_token === "string") refreshTokens.add(answer.refresh_token);
      return json(answer);
    }
    const body: Record<string, unknown> = {
      access_token: random(),
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: random(),
      scope: issued?.scope ?? req.form.get("scope") ?? undefined,
    };
    if (options.oidc && issued)
      body.id_token = await signIdToken({ nonce: issued.nonce, ...options.idTokenClaims });
    Object.assign(body, options.tokenResponse);
    if (typeof body.access_token === "string") accessTokens.add(body.access_token);
    if (typeof body.refresh_token === "string") refreshTokens.add(body.refresh_token);
    return json(body);
  }

  async function token(req: StandInRequest): Promise<Response> {
    const client = clientCredentials(req, clientIdParam);
    if (client.id !== options.clientId) return json({ error: "invalid_client" }, 401);
    if (options.clientSecret !== undefined && client.secret !== options.clientSecret)
      return json(
        { error: "invalid_client" },
        401,
        client.method === "basic" ? { "www-authenticate": "Basic" } : {},
      );
    const grant = req.form.get("grant_type");
    if (grant === "refresh_token") {
      const refresh = req.form.get("refresh_token") ?? "";
      if (!refreshTokens.delete(refresh)) return json({ error: "invalid_grant" }, 400);
      return issueTokens(req, undefined);
    }
    if (grant !== "authorization_code") return json({ error: "unsupported_grant_type" }, 400);
    const code = req.form.get("code") ?? "";
    const issued = codes.get(code);
    codes.delete(code); // single use, also when the rest of the request is wrong
    const verifier = req.form.get("code_verifier") ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (!issued || issued.codeChallenge !== challenge || req.form.get("redirect_uri") !== issued.redirectURI)
      return json({ error: "invalid_grant" }, 400);
    return issueTokens(req, issued);
  }

  async function discovery(): Promise<Response> {
    return json({
      issuer: url,
      authorization_endpoint: `${url}/authorize`,
      token_endpoint: `${url}/token`,
      userinfo_endpoint: `${url}/userinfo`,
      jwks_uri: `${url}/jwks`,
      response_types_supported: ["code"],
      response_modes_supported: ["query", "form_post"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      scopes_supported: ["openid", "profile", "email"],
      ...(options.issInResponse ? { authorization_response_iss_parameter_supported: true } : {}),
    });
  }

  async function route(req: StandInRequest): Promise<Response> {
    const key = `${req.method} ${req.path}`;
    const routes: NonNullable<StandInOptions["routes"]> = { ...options.routes };
    if (options.oidc && !(key in routes) && key === "GET /userinfo")
      routes[key] = options.idTokenClaims ?? {};
    if (!(key in routes)) return json({ error: "not_found", path: req.path }, 404);
    if (!options.publicRoutes?.includes(key)) {
      const authorization = req.headers.get("authorization") ?? "";
      const [scheme, value] = authorization.split(" ");
      if (scheme?.toLowerCase() !== "bearer" || !value || !accessTokens.has(value))
        return json({ error: "invalid_token" }, 401, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    const handler = routes[key];
    const answer = typeof handler === "function" ? await handler(req) : handler;
    return answer instanceof Response ? answer : json(answer);
  }

  async function handle(req: StandInRequest): Promise<Response> {
    const key = `${req.method} ${req.path}`;
    if (key === "GET /authorize") return authorize(req);
    if (key === "POST /token") return token(req);
    if (options.oidc && key === "GET /.well-known/openid-configuration") return discovery();
    if (options.oidc && key === "GET /jwks")
      return json({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] });
    return route(req);
  }

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const target = new URL(incoming.url ?? "/", url);
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const isForm = (headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded");
      const req: StandInRequest = {
        method: incoming.method ?? "GET",
        path: target.pathname,
        query: target.searchParams,
        headers,
        form: new URLSearchParams(isForm ? body : ""),
        body,
      };
      requests.push(req);
      let response: Response;
      try {
        response = await handle(req);
      } catch (error) {
        response = json({ error: "server_error", error_description: String(error) }, 500);
      }
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        out[name] = value;
      });
      outgoing.writeHead(response.status, out);
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    authorizeURL: `${url}/authorize`,
    tokenURL: `${url}/token`,
    userinfoURL: `${url}/userinfo`,
    requests,
    signIdToken,
    // Idempotent, so tests can close in afterEach whatever a test already closed.
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

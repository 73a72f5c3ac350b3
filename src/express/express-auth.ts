import type { NextFunction, Request, RequestHandler, Response } from "express";
import { type Auth, createAuth } from "../create-auth.js";
import type { AuthOptions } from "../core/options.js";
import { BROWSER_ACTION, createBrowserHandler } from "../dialects/browser/handler.js";
import { toWebRequest, unsupportedMethodResponse, writeWebResponse } from "../node/to-node-handler.js";

/** What `ExpressAuth` and `getSession(req, config)` accept: Auth.js-style options. */
export type ExpressAuthConfig = AuthOptions;

const instances = new WeakMap<object, Auth>();

function isAuth(value: unknown): value is Auth {
  return typeof value === "object" && value !== null && "$context" in value && "handler" in value;
}

/**
 * The auth instance behind a config object, made once per object (so `ExpressAuth(config)` and
 * `getSession(req, config)` share it). Auth.js's defaults apply: `authjs.*` cookie names, and
 * JWT sessions when there is no database. The caller's object is never changed.
 */
export function authFor(configOrAuth: ExpressAuthConfig | Auth): Auth {
  if (isAuth(configOrAuth)) return configOrAuth;
  if (!configOrAuth || typeof configOrAuth !== "object")
    throw new TypeError(
      "gatehouse/express: ExpressAuth(...) and getSession(req, ...) need the auth config object ({ providers: [...] }) or an auth instance from createAuth",
    );
  let auth = instances.get(configOrAuth);
  if (!auth) {
    const config = configOrAuth;
    auth = createAuth({
      ...config,
      advanced: { cookiePrefix: "authjs", ...config.advanced },
      session: {
        ...config.session,
        strategy: config.session?.strategy ?? (config.database === undefined ? "jwt" : "database"),
      },
    });
    instances.set(configOrAuth, auth);
  }
  return auth;
}

/**
 * Auth.js's Express integration, on Gatehouse: the browser routes (sign-in and sign-out pages and
 * form posts with a CSRF token, OAuth, email link and credentials callbacks, `/session`,
 * `/csrf`, `/providers`). Mount it where `@auth/express` went:
 *
 * @example
 * app.set("trust proxy", true);
 * app.use("/auth/*", ExpressAuth({ providers: [GitHub] }));   // Express 4
 * app.use("/auth/*splat", ExpressAuth({ providers: [GitHub] })); // Express 5 (also "/auth/{*splat}")
 * app.use("/auth", ExpressAuth(authConfig));                   // either
 *
 * The base path comes from the mount point. Pass an `auth` from `createAuth` to share users and
 * sessions with the JSON API.
 */
export function ExpressAuth(configOrAuth: ExpressAuthConfig | Auth): RequestHandler {
  const auth = authFor(configOrAuth);
  const handlers = new Map<string, (request: globalThis.Request) => Promise<globalThis.Response>>();
  return function gatehouseExpressAuth(req: Request, res: Response, next: NextFunction): void {
    const path = (req.originalUrl ?? req.url).split("?")[0] ?? "/";
    const match = BROWSER_ACTION.exec(path);
    if (!match) {
      res.status(400).json({ code: "UNKNOWN_ACTION", message: `No auth route at ${path}` });
      return;
    }
    const basePath = match[1] ?? "";
    let handler = handlers.get(basePath);
    if (!handler) {
      handler = createBrowserHandler(auth.$context, basePath);
      handlers.set(basePath, handler);
    }
    const refused = unsupportedMethodResponse(req.method);
    (refused ? Promise.resolve(refused) : handler(toWebRequest(req)))
      .then((response) => writeWebResponse(res, response))
      .catch(next);
  };
}

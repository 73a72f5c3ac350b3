export { authSession, getSession, requireAuth } from "./session.js";
export type { AuthLike, RequireAuthOptions } from "./session.js";
export { ExpressAuth, authFor } from "./express-auth.js";
export type { ExpressAuthConfig } from "./express-auth.js";

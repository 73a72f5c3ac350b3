export { authSession, getSession, requireAuth } from "./session.js";
export type { AuthLike, RequireAuthOptions } from "./session.js";

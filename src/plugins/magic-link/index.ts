export { magicLink } from "./magic-link.js";
export type { MagicLinkOptions } from "./options.js";
export { MAGIC_LINK_ERROR_CODES } from "../../flows/magic-link.js";
export type { MagicLinkMail, SendMagicLinkFunction } from "../../flows/magic-link.js";

export { fromNodeHeaders } from "./from-node-headers.js";
export { toNodeHandler, toWebRequest, writeWebResponse } from "./to-node-handler.js";
export type { HasHandler, NodeHandler } from "./to-node-handler.js";

import { memoryAdapter } from "../../src/db/memory-adapter.js";
import { runAdapterContract } from "./adapter-contract.js";

runAdapterContract("memory", (schema) => memoryAdapter(schema));

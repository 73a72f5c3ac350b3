import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { resolveAdapter } from "../../src/db/resolve-database.js";
import { runAdapterContract } from "./adapter-contract.js";

const memoryDb = new Database(":memory:");
runAdapterContract(
  "sqlite :memory: (better-sqlite3 Database)",
  (schema) => resolveAdapter(memoryDb, schema),
  () => void memoryDb.close(),
);

const dir = mkdtempSync(join(tmpdir(), "gatehouse-sqlite-"));
const fileDb = new Database(join(dir, "app.db"));
runAdapterContract(
  "sqlite file (better-sqlite3 Database)",
  (schema) => resolveAdapter(fileDb, schema),
  () => {
    fileDb.close();
    rmSync(dir, { recursive: true, force: true });
  },
);

const urlDir = mkdtempSync(join(tmpdir(), "gatehouse-sqlite-url-"));
runAdapterContract(
  "sqlite URL string",
  (schema) => resolveAdapter(`sqlite:${join(urlDir, "nested", "app.db")}`, schema),
  () => rmSync(urlDir, { recursive: true, force: true }),
);

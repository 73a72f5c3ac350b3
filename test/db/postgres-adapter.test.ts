import pg from "pg";
import { describe } from "vitest";
import { resolveAdapter } from "../../src/db/resolve-database.js";
import { requireService } from "../helpers/services.js";
import { randomSuffix, runAdapterContract } from "./adapter-contract.js";

const url = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schemaName = `gh_test_${randomSuffix()}`;

const available = await requireService("postgres", async () => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`create schema "${schemaName}"`);
  } finally {
    await client.end();
  }
});

// Pools connect lazily, so building one for a skipped suite opens nothing.
describe.skipIf(!available)("postgres", () => {
  // Every connection of the pool works inside the run's own schema.
  const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schemaName}` });
  runAdapterContract(
    "postgres (pg Pool)",
    (schema) => resolveAdapter(pool, schema),
    async () => {
      await pool.query(`drop schema "${schemaName}" cascade`);
      await pool.end();
    },
  );
});

import mysql from "mysql2";
import mysqlPromise from "mysql2/promise";
import { describe } from "vitest";
import { resolveAdapter } from "../../src/db/resolve-database.js";
import { requireService } from "../helpers/services.js";
import { randomSuffix, runAdapterContract } from "./adapter-contract.js";

const url = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const database = `gh_test_${randomSuffix()}`;

const available = await requireService("mysql", async () => {
  const connection = await mysqlPromise.createConnection({ uri: url, connectTimeout: 3000 });
  try {
    await connection.query(`create database \`${database}\``);
  } finally {
    await connection.end();
  }
});

// Pools connect lazily, so building one for a skipped suite opens nothing.
describe.skipIf(!available)("mysql", () => {
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${database}`;
  // A callback pool without timezone "Z": the adapter must still store and read UTC.
  const pool = mysql.createPool({ uri: dbUrl.toString(), connectionLimit: 4 });
  runAdapterContract(
    "mysql (mysql2 callback pool)",
    (schema) => resolveAdapter(pool, schema),
    async () => {
      await pool.promise().query(`drop database \`${database}\``);
      await new Promise<void>((resolve) => pool.end(() => resolve()));
    },
  );
});

import { randomBytes } from "node:crypto";
import { loadAuth } from "./load-config.js";

const HELP = `Usage: gatehouse <command> [options]

Commands:
  secret                 Print a new random secret for AUTH_SECRET
  migrate [--config p]   Create missing tables, columns and indexes
  generate [--config p]  Print the SQL that migrate would run

Options:
  --config <path>        Config file exporting \`auth\` (default: gatehouse.config.ts, auth.ts, src/auth.ts ...)
  -h, --help             Show this help
`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(
  args: string[],
  io = { out: process.stdout, err: process.stderr, cwd: process.cwd() },
): Promise<number> {
  const [command] = args;
  if (!command || command === "-h" || command === "--help" || command === "help") {
    io.out.write(HELP);
    return command ? 0 : 1;
  }
  try {
    if (command === "secret") {
      io.out.write(`${randomBytes(32).toString("base64url")}\n`);
      return 0;
    }
    if (command === "migrate" || command === "generate") {
      const { auth, path } = await loadAuth(option(args, "--config"), io.cwd);
      try {
        if (command === "generate") {
          const sql = await auth.planMigration();
          io.out.write(
            sql.length === 0 ? "-- schema is up to date\n" : `${sql.map((s) => `${s};`).join("\n")}\n`,
          );
        } else {
          const ran = await auth.migrate();
          io.out.write(
            ran.length === 0
              ? `Schema is up to date (${path}).\n`
              : `Applied ${ran.length} statement(s) from ${path}.\n`,
          );
        }
      } finally {
        await auth.close();
      }
      return 0;
    }
    io.err.write(`Unknown command "${command}".\n\n${HELP}`);
    return 1;
  } catch (error) {
    io.err.write(`gatehouse ${command}: ${(error as Error).message}\n`);
    return 1;
  }
}

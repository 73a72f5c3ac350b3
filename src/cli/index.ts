#!/usr/bin/env node
import { main } from "./main.js";

// The bin entry: it always runs. (It used to guess from argv[1] whether it was the entry point,
// which a CJS build, a symlinked bin or a VITEST variable inherited by a child process got
// wrong.) Import `main` from ./main.js to call the CLI from code.

const flush = (stream: NodeJS.WriteStream): Promise<void> =>
  new Promise((resolve) => stream.write("", () => resolve()));

main(process.argv.slice(2)).then(async (code) => {
  // Exit explicitly: the config may open handles Gatehouse does not own (a pg Pool passed as
  // `database`, a Redis client) that would otherwise keep the process alive after the work.
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
});

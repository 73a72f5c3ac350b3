/**
 * Debian's Chromium, driven by `playwright-core`, for tests that go through the built-in pages
 * in a real browser. When it is missing (or will not start) the tests are skipped with a
 * warning, unless `REQUIRE_SERVICES=1` (CI), where the failure is thrown — as services.ts does
 * for the database servers.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Debian's `chromium` package puts the browser (.ci/run installs it when missing). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Headless, without the sandbox (containers run as root), and without the background traffic
 * (updates, sync, QUIC probes) that has nowhere to go in a sandbox without internet.
 */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts Chromium. Resolves with the browser, or with `undefined` after printing why the
 * browser tests are skipped; with `REQUIRE_SERVICES=1` it throws instead. Close the browser in
 * `afterAll`.
 *
 * @example
 * const browser = await launchChromium();
 * describe.skipIf(browser === undefined)("the pages in a browser", () => { ... });
 */
export async function launchChromium(): Promise<Browser | undefined> {
  try {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing (apt-get install chromium)`);
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  } catch (error) {
    if (process.env.REQUIRE_SERVICES === "1") {
      throw new Error("chromium is required (REQUIRE_SERVICES=1) but unavailable", { cause: error });
    }
    const reason = error instanceof Error ? error.message || error.constructor.name : String(error);
    console.warn(`skipping browser tests: ${reason.split("\n")[0]}`);
    return undefined;
  }
}

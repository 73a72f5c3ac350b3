/**
 * Probes an external service for integration tests. When the probe fails the tests are
 * skipped with a warning, unless `REQUIRE_SERVICES=1` (CI), where the failure is thrown.
 */
export async function requireService(
  name: "postgres" | "mysql" | "redis",
  probe: () => Promise<void>,
): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    if (process.env.REQUIRE_SERVICES === "1") {
      throw new Error(`${name} is required (REQUIRE_SERVICES=1) but unavailable`, { cause: error });
    }
    const reason = error instanceof Error ? error.message || error.constructor.name : String(error);
    console.warn(`skipping ${name} tests: ${reason}`);
    return false;
  }
}

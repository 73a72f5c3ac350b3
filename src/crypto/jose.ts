/**
 * `jose`, loaded on first use. An app on database sessions with email and password never
 * encrypts or verifies a JOSE object, so the library's ~30 ms of module loading is left out of
 * its start; the first JWT session, sealed provider token or ID token check loads it once.
 */
let loading: Promise<typeof import("jose")> | undefined;

/** The `jose` module (imported once, shared by every caller). */
export function loadJose(): Promise<typeof import("jose")> {
  loading ??= import("jose");
  return loading;
}

/** How to make a secret, quoted in every secret error. */
export const SECRET_HELP =
  "Set AUTH_SECRET (or the `secret` option) to a random string of at least 32 characters, e.g. the output of `npx gatehouse secret`.";

/**
 * Resolves the secret list from the option or the environment. Missing or short secrets are a
 * startup error naming the option and saying how to make one.
 */
export function resolveSecrets(option: string | string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const raw = option ?? env.AUTH_SECRET ?? env.BETTER_AUTH_SECRET;
  if (raw === undefined || raw === "" || (Array.isArray(raw) && raw.length === 0)) {
    throw new TypeError(`secret: no secret configured. ${SECRET_HELP}`);
  }
  const list = Array.isArray(raw) ? raw : [raw];
  list.forEach((s, i) => {
    if (typeof s !== "string" || s.length < 32) {
      const which = list.length > 1 ? `secret[${i}]` : "secret";
      throw new TypeError(`${which}: must be at least 32 characters. ${SECRET_HELP}`);
    }
  });
  return list;
}

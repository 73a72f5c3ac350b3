import GitHub from "./github.js";
import type { OAuthConfig } from "./types.js";

/** A preset factory of any profile type. */
// biome-ignore lint/suspicious/noExplicitAny: presets differ in their profile types
export type AnyProviderFactory = (options?: any) => OAuthConfig<any>;

/**
 * Presets by the key `socialProviders` uses (Better Auth's names; `microsoft` is Microsoft
 * Entra ID). Each key is also the provider id, so the callback path is `/callback/<key>`.
 */
export const presets: Readonly<Record<string, AnyProviderFactory>> = {
  github: GitHub,
};

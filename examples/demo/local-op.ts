/**
 * A local OpenID Provider for the demo (oidc-provider, a certified OP), so "Sign in with …"
 * works offline. Its login screen accepts any name and password: the name becomes the account
 * (`alice` -> alice@example.test). Development only.
 */
import type { Server } from "node:http";
import { randomBytes } from "node:crypto";
// @ts-expect-error oidc-provider ships no type declarations
import Provider from "oidc-provider";

export interface LocalOP {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): void;
}

/** Starts the OP on 127.0.0.1:`port`; its issuer is http://localhost:`port`. */
export async function startLocalOP(options: {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectURIs: string[];
}): Promise<LocalOP> {
  const issuer = `http://localhost:${options.port}`;
  const { clientId, clientSecret } = options;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: options.redirectURIs }],
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => {
        const name = sub.includes("@") ? sub.split("@")[0] : sub;
        const email = sub.includes("@") ? sub.toLowerCase() : `${sub.toLowerCase()}@example.test`;
        return { sub, name, email, email_verified: true };
      },
    }),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = provider.listen(options.port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  return { issuer, clientId, clientSecret, close: () => server.close() };
}

import { z } from "../../core/zod.js";
import { defineEndpoint } from "../../core/endpoint.js";
import { AuthError } from "../../core/errors.js";
import type { HookMeta } from "../../core/hooks.js";
import type { Plugin } from "../../core/plugin.js";
import type { UserRecord } from "../../core/types.js";
import type { Row } from "../../db/adapter.js";
import { issueSession } from "../../flows/issue-session.js";
import { normalizeEmail, userJSON, verifyPasswordSignIn } from "../../flows/password.js";
import { assertSafeCallback } from "../../flows/email-verification.js";
import {
  assertValidUsername,
  normalizeUsername,
  USERNAME_ERROR_CODES,
  type UsernameOptions,
} from "./normalize.js";
import { urlField } from "../../dialects/url-field.js";

export { normalizeUsername, USERNAME_ERROR_CODES };
export type { UsernameOptions };

/**
 * Username sign-in, as in Better Auth's `username` plugin: a unique, normalised `username`
 * (and the `displayUsername` as typed) on the user, set at sign-up and by update-user;
 * `POST /sign-in/username` and `POST /is-username-available`.
 */
export function username(options: UsernameOptions = {}) {
  /** Normalises and validates `username`, and refuses one another user holds. */
  async function prepare(data: Row, meta: HookMeta): Promise<{ data: Row } | undefined> {
    if (typeof data.username !== "string") return undefined;
    const display = data.username.trim();
    const normalized = normalizeUsername(display);
    await assertValidUsername(normalized, options);
    // meta.db reads inside the write's transaction (sign-up creates the user in one).
    const taken = await meta.db.findOne("user", [{ field: "username", value: normalized }]);
    const self = meta.where?.find((w) => w.field === "id")?.value;
    if (taken && taken.id !== self) {
      throw new AuthError(422, "USERNAME_IS_ALREADY_TAKEN", {
        message: USERNAME_ERROR_CODES.USERNAME_IS_ALREADY_TAKEN,
      });
    }
    const displayUsername = typeof data.displayUsername === "string" ? data.displayUsername : display;
    return { data: { ...data, username: normalized, displayUsername } };
  }

  return {
    id: "username" as const,
    schema: {
      user: {
        fields: {
          username: { type: "string", required: false, unique: true, input: true },
          displayUsername: { type: "string", required: false, input: true },
        },
      },
    },
    databaseHooks: {
      user: {
        create: { before: prepare },
        update: { before: prepare },
      },
    },
    rateLimit: [{ path: "/sign-in/username", window: 10, max: 3 }],
    errorCodes: USERNAME_ERROR_CODES,
    endpoints: {
      signInUsername: defineEndpoint({
        method: "POST",
        path: "/sign-in/username",
        summary: "Sign in with username and password",
        body: z.object({
          username: z.string().check(z.minLength(1), z.maxLength(256)),
          password: z.string().check(z.minLength(1), z.maxLength(4096)),
          rememberMe: z.optional(z.boolean()),
          callbackURL: z.optional(urlField),
        }),
        async handler(ctx) {
          assertSafeCallback(ctx, ctx.body.callbackURL);
          const { store } = ctx.auth;
          const name = normalizeUsername(ctx.body.username);
          const found = (await store.findOne("user", [
            { field: "username", value: name },
          ])) as UserRecord | null;
          // A known user's failures count with their email sign-ins (one count per account).
          const identifier = found ? normalizeEmail(found.email) : `username:${name}`;
          let user: UserRecord;
          try {
            user = await verifyPasswordSignIn(ctx, { identifier, user: found, password: ctx.body.password });
          } catch (error) {
            if ((error as AuthError).code === "INVALID_EMAIL_OR_PASSWORD") {
              throw new AuthError(401, "INVALID_USERNAME_OR_PASSWORD", {
                message: USERNAME_ERROR_CODES.INVALID_USERNAME_OR_PASSWORD,
              });
            }
            throw error;
          }
          if (ctx.auth.password.requireEmailVerification && !user.emailVerified)
            throw new AuthError(403, "EMAIL_NOT_VERIFIED");
          const { token } = await issueSession(ctx, store, user, {
            rememberMe: ctx.body.rememberMe !== false,
          });
          return { token, user: userJSON(ctx, user) };
        },
      }),
      isUsernameAvailable: defineEndpoint({
        method: "POST",
        path: "/is-username-available",
        summary: "Whether a username is free",
        body: z.object({ username: z.string().check(z.minLength(1), z.maxLength(256)) }),
        async handler(ctx) {
          const normalized = normalizeUsername(ctx.body.username);
          await assertValidUsername(normalized, options);
          const taken = await ctx.auth.store.findOne("user", [{ field: "username", value: normalized }]);
          return { available: !taken };
        },
      }),
    },
  } satisfies Plugin;
}

import { describe, expectTypeOf, it } from "vitest";
import { createAuth } from "../../src/index.js";
import { username } from "../../src/plugins/username/index.js";

const secret = "t".repeat(40);

describe("auth.api types", () => {
  it("types core endpoints' bodies and results", () => {
    const auth = createAuth({ secret, emailAndPassword: { enabled: true } });
    expectTypeOf(auth.api.signInEmail).toBeFunction();
    type SignIn = Awaited<ReturnType<typeof auth.api.signInEmail>>;
    expectTypeOf<SignIn>().toHaveProperty("token");
    expectTypeOf<SignIn>().toHaveProperty("user");
    expectTypeOf(auth.api.signUpEmail)
      .parameter(0)
      .toMatchTypeOf<{ body?: { email: string; password: string; name: string } } | undefined>();
  });

  it("adds plugin endpoints to auth.api", () => {
    const auth = createAuth({ secret, emailAndPassword: { enabled: true }, plugins: [username()] });
    expectTypeOf(auth.api.signInUsername).toBeFunction();
    expectTypeOf(auth.api.isUsernameAvailable).toBeFunction();
    const check = async (): Promise<void> => {
      const answer = await auth.api.isUsernameAvailable({ body: { username: "ada" } });
      expectTypeOf(answer).toEqualTypeOf<{ available: boolean }>();
      // @ts-expect-error: the body is checked against the endpoint's schema
      await auth.api.isUsernameAvailable({ body: { name: "ada" } });
    };
    expectTypeOf(check).toBeFunction();
    // @ts-expect-error: no such endpoint without the plugin
    createAuth({ secret }).api.signInUsername;
  });
});

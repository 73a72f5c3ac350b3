import { describe, expect, it, vi } from "vitest";
import { AuthError } from "../../src/index.js";
import type { EndpointHookEvent } from "../../src/index.js";
import { Client, PASSWORD, makeAuth, uniqueEmail } from "./harness.js";

describe("databaseHooks", () => {
  it("user.create.before can change the data", async () => {
    const { auth } = makeAuth({
      databaseHooks: {
        user: {
          create: { before: (data) => ({ data: { ...data, name: String(data.name).toLowerCase() } }) },
        },
      },
    });
    const { user } = await auth.api.signUpEmail({
      body: { name: "MiXeD Case", email: uniqueEmail(), password: PASSWORD },
    });
    expect(user.name).toBe("mixed case");
    const row = await auth.$context.adapter.findOne({
      model: "user",
      where: [{ field: "id", value: user.id }],
    });
    expect(row?.name).toBe("mixed case");
  });

  it("user.create.before returning false aborts: error and nothing created", async () => {
    const { auth } = makeAuth({ databaseHooks: { user: { create: { before: () => false } } } });
    const email = uniqueEmail("refused");
    const res = await new Client(auth).signUp(email);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.code).toBeTruthy();
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(0);
    expect(await auth.$context.adapter.count({ model: "account" })).toBe(0);
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);
  });

  it("after hooks see the created rows (user, account, session)", async () => {
    const seen: string[] = [];
    const { auth } = makeAuth({
      databaseHooks: {
        user: { create: { after: (row) => void seen.push(`user:${row.email}`) } },
        account: { create: { after: (row) => void seen.push(`account:${row.providerId}`) } },
        session: { create: { after: (row) => void seen.push(`session:${typeof row.token}`) } },
      },
    });
    const email = uniqueEmail("after");
    await auth.api.signUpEmail({ body: { name: "A", email, password: PASSWORD } });
    expect(seen).toEqual([`user:${email}`, "account:credential", "session:string"]);
  });

  it("update hooks run on a user update", async () => {
    const before = vi.fn();
    const after = vi.fn();
    const { auth } = makeAuth({ databaseHooks: { user: { update: { before, after } } } });
    const client = new Client(auth);
    await client.signUp(uniqueEmail());
    expect((await client.post("/update-user", { name: "Renamed" })).status).toBe(200);
    expect(before).toHaveBeenCalledWith(expect.objectContaining({ name: "Renamed" }), expect.anything());
    expect(after).toHaveBeenCalledWith(expect.objectContaining({ name: "Renamed" }));
  });
});

describe("endpoint hooks", () => {
  it("hooks.before throwing an AuthError refuses the call (HTTP and api)", async () => {
    const { auth } = makeAuth({
      hooks: {
        before: (event) => {
          if (
            event.endpoint === "signUpEmail" &&
            String((event.body as { email: string }).email).endsWith("@blocked.example")
          ) {
            throw new AuthError(403, "SIGN_UP_BLOCKED", { message: "No sign-ups from this domain" });
          }
        },
      },
    });
    const res = await new Client(auth).signUp("someone@blocked.example");
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: "SIGN_UP_BLOCKED", message: "No sign-ups from this domain" });
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(0);

    const err = (await auth.api
      .signUpEmail({ body: { name: "B", email: "other@blocked.example", password: PASSWORD } })
      .catch((e: unknown) => e)) as AuthError;
    expect(err.code).toBe("SIGN_UP_BLOCKED");
    expect(err.status).toBe(403);

    expect((await new Client(auth).signUp(uniqueEmail())).status).toBe(200);
  });

  it("hooks.before runs after validation and sees the parsed body and path", async () => {
    const events: EndpointHookEvent[] = [];
    const { auth } = makeAuth({ hooks: { before: (e) => void events.push(e) } });
    await new Client(auth).post("/sign-up/email", { email: "bad" });
    expect(events).toHaveLength(0);
    const email = uniqueEmail();
    await new Client(auth).signUp(`  ${email}  `);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ endpoint: "signUpEmail", path: "/sign-up/email" });
    expect((events[0]!.body as { email: string }).email).toBe(email);
  });

  it("hooks.after sees the result", async () => {
    const results: unknown[] = [];
    const { auth } = makeAuth({
      hooks: { after: (e) => void (e.endpoint === "signUpEmail" && results.push(e.result)) },
    });
    const email = uniqueEmail();
    const out = await auth.api.signUpEmail({ body: { name: "After", email, password: PASSWORD } });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ token: out.token, user: { email } });
  });

  it("plugin hooks run after the app's own", async () => {
    const order: string[] = [];
    const { auth } = makeAuth({
      hooks: { before: () => void order.push("app") },
      plugins: [{ id: "p", hooks: { before: () => void order.push("plugin") } }],
    });
    await auth.api.ok();
    expect(order).toEqual(["app", "plugin"]);
  });
});

import Database from "better-sqlite3";
import { createAuth } from "/work/main/src/index.js";
import { username } from "/work/main/src/plugins/username/index.js";
const auth = createAuth({ secret: "x".repeat(40), database: new Database(":memory:"), emailAndPassword: { enabled: true }, plugins: [username()] });
console.log(await auth.migrate());
const t = setTimeout(() => { console.log("TIMEOUT (deadlock?)"); process.exit(2); }, 5000);
const r = await auth.handler(new Request("http://localhost/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "A", email: "a@x.com", password: "password123", username: "Alice_1" }) }));
console.log(r.status, await r.text());
clearTimeout(t);

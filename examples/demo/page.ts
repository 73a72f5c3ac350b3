/** The demo's single page: forms that call the JSON API with fetch (script served from /app.js). */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse demo</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  form { display: grid; gap: .5rem; margin: 1rem 0; padding: 1rem; border: 1px solid #ccc; border-radius: 8px; }
  label { display: grid; gap: .25rem; font-weight: 600; }
  input { padding: .5rem; font: inherit; }
  button { padding: .5rem 1rem; font: inherit; cursor: pointer; }
  pre { background: #f4f4f4; padding: 1rem; overflow: auto; border-radius: 8px; }
  .row { display: flex; gap: .5rem; flex-wrap: wrap; }
</style>
</head>
<body>
<h1>Gatehouse demo</h1>
<p>Sign up, sign in, look at your session, list and revoke sessions, sign out. Data lives in <code>data/demo.db</code>.</p>
<p>The same accounts and sessions work on the <a href="/ssr" id="ssr-link">server-rendered page</a>, which signs in through the built-in pages at <code>/auth</code>.</p>
<form id="sign-up"><h2>Sign up</h2>
  <label>Name <input name="name" required autocomplete="name"></label>
  <label>Email <input name="email" type="email" required autocomplete="email"></label>
  <label>Password <input name="password" type="password" minlength="8" required autocomplete="new-password"></label>
  <button>Create account</button></form>
<form id="sign-in"><h2>Sign in</h2>
  <label>Email <input name="email" type="email" required autocomplete="email"></label>
  <label>Password <input name="password" type="password" required autocomplete="current-password"></label>
  <button>Sign in</button></form>
<section><h2>Sign in with a provider</h2>
  <p>The demo runs a local OpenID Provider beside the app: any name and password signs in there.
  Set <code>AUTH_GITHUB_ID</code> and <code>AUTH_GITHUB_SECRET</code> to add GitHub.</p>
  <div class="row" id="providers"></div></section>
<div class="row">
  <button id="session">Show session</button>
  <button id="accounts">Linked accounts</button>
  <button id="sessions">List sessions</button>
  <button id="revoke-others">Revoke other sessions</button>
  <button id="sign-out">Sign out</button>
</div>
<h2>Result</h2>
<pre id="out" aria-live="polite">Not signed in yet.</pre>
<ul id="list"></ul>
<script src="/app.js"></script>
</body>
</html>`;

/** Client script of the demo page. */
export const SCRIPT = `
const out = document.getElementById("out");
const list = document.getElementById("list");
async function call(path, body) {
  const res = await fetch("/api/auth" + path, body === undefined ? { credentials: "include" } : {
    method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => null);
  out.textContent = res.status + " " + JSON.stringify(data, null, 2);
  return data;
}
function formData(form) { return Object.fromEntries(new FormData(form)); }
document.getElementById("sign-up").addEventListener("submit", (e) => { e.preventDefault(); call("/sign-up/email", formData(e.target)); });
document.getElementById("sign-in").addEventListener("submit", (e) => { e.preventDefault(); call("/sign-in/email", formData(e.target)); });
document.getElementById("session").addEventListener("click", () => call("/get-session"));
document.getElementById("accounts").addEventListener("click", () => call("/list-accounts"));
fetch("/api/providers").then((r) => r.json()).then((providers) => {
  for (const p of providers) {
    const b = document.createElement("button");
    b.textContent = "Sign in with " + p.name;
    b.addEventListener("click", async () => {
      const data = await call("/sign-in/social", { provider: p.id, callbackURL: "/" });
      if (data && data.url) location.href = data.url;
    });
    document.getElementById("providers").append(b);
  }
});
const error = new URLSearchParams(location.search).get("error");
if (error) out.textContent = "Sign-in failed: " + error;
document.getElementById("revoke-others").addEventListener("click", () => call("/revoke-other-sessions", {}));
document.getElementById("sign-out").addEventListener("click", () => { list.textContent = ""; call("/sign-out", {}); });
document.getElementById("sessions").addEventListener("click", async () => {
  const sessions = await call("/list-sessions");
  list.textContent = "";
  for (const s of Array.isArray(sessions) ? sessions : []) {
    const li = document.createElement("li");
    li.textContent = (s.userAgent || "unknown device") + ", expires " + new Date(s.expiresAt).toLocaleString() + " ";
    const b = document.createElement("button");
    b.textContent = "Revoke";
    b.addEventListener("click", () => call("/revoke-session", { token: s.token }));
    li.append(b);
    list.append(li);
  }
});
`;

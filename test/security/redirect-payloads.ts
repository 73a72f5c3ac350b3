/**
 * The open-redirect payloads of the attack corpus, as a table: each is either an `attack` (must
 * be refused, or replaced by the safe default) or a `path` (a same-site path that only looks
 * like a trick; it may be accepted, but must then resolve on the app's own origin).
 */

export interface RedirectPayload {
  label: string;
  /** The value, given the app's origin (some payloads hide it in userinfo). */
  value: (origin: string) => string;
  kind: "attack" | "path";
}

const attack = (label: string, value: string | ((origin: string) => string)): RedirectPayload => ({
  label,
  value: typeof value === "string" ? () => value : value,
  kind: "attack",
});
const path = (label: string, value: string): RedirectPayload => ({ label, value: () => value, kind: "path" });

export const REDIRECT_PAYLOADS: readonly RedirectPayload[] = [
  // Scheme-relative and slash/backslash confusions
  attack("scheme-relative", "//evil.example"),
  attack("scheme-relative with path", "//evil.example/login?next=/"),
  attack("triple slash", "///evil.example"),
  attack("quadruple slash", "////evil.example/"),
  attack("slash backslash", "/\\evil.example"),
  attack("slash backslash slash", "/\\/evil.example"),
  attack("double backslash", "\\\\evil.example"),
  attack("backslash slash", "\\/evil.example"),
  attack("scheme-relative with userinfo", "//trusted.example@evil.example"),
  attack("leading space then //", " //evil.example"),
  attack("leading tab then //", "\t//evil.example"),
  attack("slash tab slash", "/\t/evil.example"),
  attack("slash newline slash", "/\n/evil.example"),
  attack("slash CRLF slash", "/\r\n/evil.example"),
  attack("NUL then //", "\u0000//evil.example"),
  // Schemes without slashes, odd casing, dangerous schemes
  attack("https: without slashes", "https:evil.example"),
  attack("https:/ one slash", "https:/evil.example"),
  attack("https: backslashes", "https:\\\\evil.example"),
  attack("http: without slashes", "http:evil.example"),
  attack("uppercase scheme", "HTTPS://EVIL.EXAMPLE/"),
  attack("mixed-case scheme", "hTtPs://evil.example"),
  attack("https evil", "https://evil.example"),
  attack("http evil", "http://evil.example/"),
  attack("https evil, explicit port", "https://evil.example:443/"),
  attack("javascript:", "javascript:alert(1)"),
  attack("JavaScript: mixed case", "JaVaScRiPt:alert(document.domain)"),
  attack("javascript: leading space", " javascript:alert(1)"),
  attack("javascript: with tab", "java\tscript:alert(1)"),
  attack("javascript:// comment trick", "javascript://%0aalert(1)"),
  attack("data: html", "data:text/html,<script>alert(1)</script>"),
  attack("data: base64", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
  attack("vbscript:", "vbscript:msgbox(1)"),
  attack("file:", "file:///etc/passwd"),
  attack("ftp:", "ftp://evil.example/"),
  // Percent-encoding
  attack("encoded //", "%2F%2Fevil.example"),
  attack("encoded \\\\", "%5C%5Cevil.example"),
  attack("encoded scheme", "https%3A%2F%2Fevil.example"),
  path("slash then encoded //", "/%2F%2Fevil.example"),
  path("slash then encoded backslash", "/%5Cevil.example"),
  path("slash then encoded tab", "/%09/evil.example"),
  path("slash then encoded newline", "/%0a/evil.example"),
  // Dot segments: harmless as sent, but a server that normalizes the path (new URL) before
  // answering turns them into the scheme-relative "//evil.example".
  attack("dot-dot to a double slash", "/..//evil.example"),
  attack("dot to a double slash", "/.//evil.example"),
  attack("segment and dot-dot to a double slash", "/a/..//evil.example"),
  attack("encoded dot-dot to a double slash", "/%2e%2e//evil.example"),
  attack("encoded dot to a double slash", "/%2E//evil.example"),
  attack("mixed dots to a double slash", "/.%2e//evil.example"),
  // Unicode look-alikes and IDN
  attack("fullwidth solidus ×2", "／／evil.example"),
  attack("division slash ×2 (U+2215)", "\u2215\u2215evil.example"),
  attack("fraction slash ×2 (U+2044)", "\u2044\u2044evil.example"),
  attack("big solidus ×2 (U+29F8)", "\u29f8\u29f8evil.example"),
  attack("ideographic full stop host", "https://evil\u3002example/"),
  attack("fullwidth letters host", "https://\uff45\uff56\uff49\uff4c.example/"),
  attack("IDN homograph of trusted", "https://trusted.ex\u0430mple/"),
  attack("punycode host", "https://xn--e1afmkfd.example/"),
  attack("no-break space then //", "\u00a0//evil.example"),
  attack("ideographic space then //", "\u3000//evil.example"),
  path("slash then fullwidth solidus", "/\uff0fevil.example"),
  // Userinfo and host confusion
  attack("trusted as userinfo", "https://trusted.example@evil.example"),
  attack("trusted:443 as userinfo", "https://trusted.example:443@evil.example/"),
  attack("localhost:3000 as userinfo", "https://localhost:3000@evil.example"),
  attack("own origin as userinfo", (origin) => `${origin}@evil.example`),
  attack("user:pass on trusted", "https://user:pass@trusted.example/"),
  attack("encoded @ in host", "https://trusted.example%40evil.example/"),
  attack("backslash before @", "https://trusted.example\\@evil.example"),
  attack("trusted after fragment", "https://evil.example#@trusted.example"),
  attack("trusted after query", "https://evil.example?@trusted.example"),
  attack("trusted as subdomain", "https://trusted.example.evil.example/"),
  attack("trusted as path", "https://evil.example/trusted.example"),
  attack("trusted on http", "http://trusted.example/"),
  attack("trusted on another port", "https://trusted.example:8443/"),
  attack("IPv6 loopback", "http://[::1]/"),
  attack("bare host", "evil.example"),
  attack("too long", (origin) => `${origin}/${"a".repeat(3000)}`),
];

/** Targets every parameter must accept: proof the parameter is wired, so a refusal means something. */
export const SAFE_TARGETS: readonly { label: string; value: (origin: string) => string }[] = [
  { label: "a path", value: () => "/dashboard?from=corpus" },
  { label: "the trusted origin", value: () => "https://trusted.example/welcome" },
  { label: "the app's own origin", value: (origin) => `${origin}/home` },
];

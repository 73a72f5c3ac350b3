import { describe, expect, it } from "vitest";
import {
  changeEmailVerification,
  escapeHtml,
  resetPasswordEmail,
  verificationEmail,
} from "../../src/email/templates.js";

const url = "https://app.example.test/verify?token=abc&callbackURL=%2F";
const user = { email: "alice@example.test", name: "Alice" };

describe("email templates", () => {
  it("verificationEmail puts the link in text and html", () => {
    const email = verificationEmail({ url, user, appName: "Acme" });
    expect(email.subject).toBe("Confirm your email for Acme");
    expect(email.text).toContain(url);
    expect(email.text).toContain("Hello Alice,");
    expect(email.html).toContain(`href="${escapeHtml(url)}"`);
    expect(email.html).toContain("&amp;callbackURL");
  });

  it("resetPasswordEmail and changeEmailVerification carry the link", () => {
    const reset = resetPasswordEmail({ url, user: { email: "a@b.test" }, appName: "Acme" });
    expect(reset.subject).toContain("password");
    expect(reset.text).toContain(url);
    expect(reset.text.startsWith("Hello,")).toBe(true);
    const change = changeEmailVerification({ url, user, appName: "Acme", newEmail: "new@example.test" });
    expect(change.text).toContain("new@example.test");
    expect(change.html).toContain("new@example.test");
  });

  it("escapes every interpolated value in html and keeps the subject on one line", () => {
    const evil = `<script>alert("x")</script>'`;
    const email = changeEmailVerification({
      url: `https://x.test/?a="><img src=x onerror=alert(1)>`,
      user: { email: evil, name: evil },
      appName: `Acme\r\nBcc: victim@example.test ${evil}`,
      newEmail: evil,
    });
    expect(email.html).not.toMatch(/<script|<img|"><|onerror=alert\(1\)>/);
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;");
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it("loads no external resources", () => {
    const email = verificationEmail({ url, user, appName: "Acme" });
    expect(email.html).not.toMatch(/<img|<link|<script|src=|url\(/i);
  });
});

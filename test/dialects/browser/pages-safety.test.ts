import { describe, expect, it } from "vitest";
import {
  buttonColors,
  contrastRatio,
  MIN_TEXT_CONTRAST,
  parseHexColor,
} from "../../../src/dialects/browser/pages/colors.js";
import { safeImageUrl, safeLinkUrl } from "../../../src/dialects/browser/pages/safe-url.js";
import {
  assertNonce,
  createPageNonce,
  securityHeaders,
} from "../../../src/dialects/browser/pages/security-headers.js";
import { DARK_PALETTE, DEFAULT_BRAND, LIGHT_PALETTE } from "../../../src/dialects/browser/pages/styles.js";

const NONCE = "dGVzdC1ub25jZS0xMjM0NTY";

describe("safeLinkUrl", () => {
  it.each([
    ["/auth/signin/github", "/auth/signin/github"],
    ["/dashboard?tab=1#top", "/dashboard?tab=1#top"],
    ["https://example.com/a", "https://example.com/a"],
    ["http://localhost:3000/auth", "http://localhost:3000/auth"],
  ])("keeps %s", (input, expected) => {
    expect(safeLinkUrl(input)).toBe(expected);
  });

  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox",
    "//evil.example/x",
    "/\\evil.example/x",
    "/\t/evil.example",
    "\\\\evil.example",
    "https://user:pass@example.com/",
    "relative/path",
    "",
    `/${"a".repeat(3000)}`,
  ])("drops %j", (input) => {
    expect(safeLinkUrl(input)).toBeUndefined();
  });

  it("drops undefined", () => {
    expect(safeLinkUrl(undefined)).toBeUndefined();
  });
});

describe("safeImageUrl", () => {
  it("keeps https URLs and paths on this site", () => {
    expect(safeImageUrl("https://cdn.example.com/logo.svg")).toBe("https://cdn.example.com/logo.svg");
    expect(safeImageUrl("/logo.png")).toBe("/logo.png");
  });

  it("drops http (mixed content), javascript: and data: URLs", () => {
    expect(safeImageUrl("http://cdn.example.com/logo.svg")).toBeUndefined();
    expect(safeImageUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeImageUrl("data:image/svg+xml,<svg/>")).toBeUndefined();
  });
});

describe("parseHexColor", () => {
  it("accepts #rgb and #rrggbb in any case, as lower-case #rrggbb", () => {
    expect(parseHexColor("#AbC")).toBe("#aabbcc");
    expect(parseHexColor("#12Ab9F")).toBe("#12ab9f");
  });

  it.each([
    "red",
    "#abcd",
    "#12345g",
    "#1234567",
    "abc",
    "rgb(0,0,0)",
    "#fff;}body{color:red",
    "",
    undefined,
  ])("rejects %j", (input) => {
    expect(parseHexColor(input)).toBeUndefined();
  });
});

describe("contrast", () => {
  it("matches the WCAG 2 reference values", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    // #777777 on white is the well-known just-below-AA grey (4.48:1).
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    // Channels at or below 10/255 take the linear branch of the sRGB curve.
    expect(contrastRatio("#0a0a0a", "#ffffff")).toBeCloseTo(19.8, 1);
  });

  it("picks black text on light brand colours and white on dark ones", () => {
    expect(buttonColors("#ffff00")?.text).toBe("#000000");
    expect(buttonColors("#fc0")?.text).toBe("#000000");
    expect(buttonColors("#000080")?.text).toBe("#ffffff");
    expect(buttonColors("#24292f")?.text).toBe("#ffffff");
  });

  it("keeps a preferred text colour only when it reaches 4.5:1", () => {
    expect(buttonColors("#ffffff", "#595959")?.text).toBe("#595959");
    expect(buttonColors("#ffffff", "#777777")?.text).toBe("#000000");
    expect(buttonColors("#000080", "not-a-colour")?.text).toBe("#ffffff");
  });

  it("always reaches 4.5:1 across the colour cube", () => {
    for (let r = 0; r < 256; r += 17) {
      for (let g = 0; g < 256; g += 17) {
        for (let b = 0; b < 256; b += 17) {
          const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
          const colors = buttonColors(hex, "#808080");
          expect(colors).toBeDefined();
          expect(contrastRatio(colors!.background, colors!.text)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
        }
      }
    }
  });

  it("returns undefined for an invalid background", () => {
    expect(buttonColors("javascript:alert(1)")).toBeUndefined();
    expect(buttonColors(undefined)).toBeUndefined();
  });

  it.each([
    ["light", LIGHT_PALETTE],
    ["dark", DARK_PALETTE],
  ])("the %s palette's text colours reach 4.5:1 on both surfaces", (_name, palette) => {
    for (const surface of [palette.background, palette.card]) {
      for (const text of [palette.text, palette.muted, palette.link]) {
        expect(contrastRatio(text, surface)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      }
      // Input edges are UI components: 3:1 (WCAG 1.4.11).
      expect(contrastRatio(palette.control, surface)).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(palette.focus, surface)).toBeGreaterThanOrEqual(3);
    }
    expect(contrastRatio(palette.errorText, palette.errorBackground)).toBeGreaterThanOrEqual(
      MIN_TEXT_CONTRAST,
    );
  });

  it("the default brand button reaches 4.5:1", () => {
    expect(contrastRatio(DEFAULT_BRAND.background, DEFAULT_BRAND.text)).toBeGreaterThanOrEqual(
      MIN_TEXT_CONTRAST,
    );
  });
});

describe("securityHeaders", () => {
  it("returns every header a page must carry, with the nonce in the CSP", () => {
    expect(securityHeaders(NONCE)).toEqual({
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; style-src 'nonce-${NONCE}'; img-src 'self' https: data:; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'`,
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
      "x-frame-options": "DENY",
      "cache-control": "no-store",
    });
  });

  it("allows no script source", () => {
    const csp = securityHeaders(NONCE)["content-security-policy"]!;
    expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
  });

  it.each([
    "short",
    "",
    `${NONCE}'; script-src *`,
    `${NONCE}"><script>`,
    `${NONCE}\r\nx-evil: 1`,
    "a".repeat(300),
  ])("refuses the nonce %j", (nonce) => {
    expect(() => securityHeaders(nonce)).toThrow(TypeError);
    expect(() => assertNonce(nonce)).toThrow(TypeError);
  });

  it("createPageNonce makes distinct nonces the headers accept", () => {
    const a = createPageNonce();
    const b = createPageNonce();
    expect(a).not.toBe(b);
    expect(() => assertNonce(a)).not.toThrow();
    expect(a.length).toBeGreaterThanOrEqual(22);
  });
});

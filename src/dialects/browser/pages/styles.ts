import { type ButtonColors, buttonColors } from "./colors.js";
import type { ColorScheme, PageTheme } from "./types.js";

/** The colours of one scheme. Text colours reach 4.5:1 on both `background` and `card`. */
export interface Palette {
  readonly background: string;
  readonly card: string;
  readonly text: string;
  readonly muted: string;
  readonly link: string;
  /** Decorative lines (card edge, divider). */
  readonly border: string;
  /** Input and secondary-button edges: 3:1 against the card (WCAG 1.4.11). */
  readonly control: string;
  readonly errorText: string;
  readonly errorBackground: string;
  readonly focus: string;
}

export const LIGHT_PALETTE: Palette = {
  background: "#f6f8fa",
  card: "#ffffff",
  text: "#1f2328",
  muted: "#59636e",
  link: "#0b57d0",
  border: "#d1d9e0",
  control: "#6e7781",
  errorText: "#a40e26",
  errorBackground: "#ffebe9",
  focus: "#0b57d0",
};

export const DARK_PALETTE: Palette = {
  background: "#0d1117",
  card: "#161b22",
  text: "#e6edf3",
  muted: "#9198a1",
  link: "#79b8ff",
  border: "#3d444d",
  control: "#8c959f",
  errorText: "#ffa198",
  errorBackground: "#25171c",
  focus: "#79b8ff",
};

/** The main buttons' colours when the theme names no valid brand colour. */
export const DEFAULT_BRAND: ButtonColors = { background: "#2557d6", text: "#ffffff" };

function variables(palette: Palette): string {
  return [
    `--bg:${palette.background}`,
    `--card:${palette.card}`,
    `--text:${palette.text}`,
    `--muted:${palette.muted}`,
    `--link:${palette.link}`,
    `--border:${palette.border}`,
    `--control:${palette.control}`,
    `--error-text:${palette.errorText}`,
    `--error-bg:${palette.errorBackground}`,
    `--focus:${palette.focus}`,
  ].join(";");
}

function schemeRules(scheme: ColorScheme): string {
  if (scheme === "light") return `:root{color-scheme:light;${variables(LIGHT_PALETTE)}}`;
  if (scheme === "dark") return `:root{color-scheme:dark;${variables(DARK_PALETTE)}}`;
  return (
    `:root{color-scheme:light dark;${variables(LIGHT_PALETTE)}}` +
    `@media (prefers-color-scheme:dark){:root{${variables(DARK_PALETTE)}}}`
  );
}

const BASE_RULES = [
  "*,*::before,*::after{box-sizing:border-box}",
  "body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:1rem;" +
    'background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
  "main{width:100%;max-width:24rem;background:var(--card);border:1px solid var(--border);" +
    "border-radius:.75rem;padding:2rem 1.5rem}",
  ".logo{display:block;max-width:10rem;max-height:4rem;margin:0 auto 1.25rem}",
  "h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem;text-align:center}",
  "h2{font-size:1.125rem;margin:0 0 .75rem}",
  "p{margin:0 0 1rem}",
  ".muted{color:var(--muted)}",
  "a{color:var(--link)}",
  "form{margin:0 0 .75rem}",
  "label{display:block;font-weight:600;margin:0 0 .25rem}",
  "input{display:block;width:100%;padding:.5rem .75rem;margin:0 0 .75rem;font:inherit;color:var(--text);" +
    "background:var(--card);border:1px solid var(--control);border-radius:.375rem}",
  ".button{display:flex;align-items:center;justify-content:center;gap:.5rem;width:100%;padding:.625rem 1rem;" +
    "font:inherit;font-weight:600;text-decoration:none;border:1px solid transparent;border-radius:.375rem;" +
    "cursor:pointer;background:var(--brand);color:var(--brand-text)}",
  ".button.secondary{background:var(--card);color:var(--text);border-color:var(--control)}",
  ".button img{width:1.25rem;height:1.25rem}",
  "a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--focus);outline-offset:2px}",
  ".alert{padding:.75rem 1rem;margin:0 0 1rem;border:1px solid currentColor;border-radius:.375rem;" +
    "background:var(--error-bg);color:var(--error-text)}",
  ".alert p{margin:0}",
  ".divider{display:flex;align-items:center;gap:.75rem;margin:1rem 0;color:var(--muted)}",
  '.divider::before,.divider::after{content:"";flex:1;border-top:1px solid var(--border)}',
  ".center{text-align:center}",
  "@media (forced-colors:active){.button{border-color:ButtonText}}",
].join("");

/**
 * The stylesheet of a page. Every value written into it is a constant or a colour that
 * passed {@link buttonColors}' `#rrggbb` check, so nothing from a request reaches the CSS.
 *
 * @param extraRules Rules a page adds (such as provider button colours); must be built the same way.
 */
export function pageStyles(theme: PageTheme | undefined, extraRules = ""): string {
  const brand = buttonColors(theme?.brandColor, theme?.buttonText) ?? DEFAULT_BRAND;
  const scheme: ColorScheme =
    theme?.colorScheme === "light" || theme?.colorScheme === "dark" ? theme.colorScheme : "auto";
  return `${schemeRules(scheme)}:root{--brand:${brand.background};--brand-text:${brand.text}}${BASE_RULES}${extraRules}`;
}

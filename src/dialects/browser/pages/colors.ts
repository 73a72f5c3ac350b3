/*
 * Colour validation and WCAG 2 contrast. Theme colours reach the page's <style> element, so
 * only `#rgb` and `#rrggbb` are accepted: nothing else can be written into CSS.
 */

/** The contrast WCAG 2 (1.4.3, level AA) asks of normal-size text. */
export const MIN_TEXT_CONTRAST = 4.5;

const BLACK = "#000000";
const WHITE = "#ffffff";

/** `#rgb` or `#rrggbb` (any case) as lower-case `#rrggbb`; anything else is undefined. */
export function parseHexColor(value: string | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase();
  return /^#[0-9a-f]{6}$/i.test(value) ? value.toLowerCase() : undefined;
}

/** WCAG 2 relative luminance of a `#rrggbb` colour, from 0 (black) to 1 (white). */
export function relativeLuminance(hex: string): number {
  const channel = (offset: number): number => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** A button's colours: both `#rrggbb`, with at least 4.5:1 between them. */
export interface ButtonColors {
  readonly background: string;
  readonly text: string;
}

/**
 * Colours for a button on `background`. `preferredText` is kept when it is a valid colour that
 * reaches 4.5:1; otherwise the text is black or white, whichever contrasts more (one of them
 * always reaches 4.5:1). Returns undefined when `background` is not a valid colour.
 */
export function buttonColors(
  background: string | undefined,
  preferredText?: string | undefined,
): ButtonColors | undefined {
  const bg = parseHexColor(background);
  if (bg === undefined) return undefined;
  const preferred = parseHexColor(preferredText);
  if (preferred !== undefined && contrastRatio(bg, preferred) >= MIN_TEXT_CONTRAST) {
    return { background: bg, text: preferred };
  }
  const text = contrastRatio(bg, BLACK) >= contrastRatio(bg, WHITE) ? BLACK : WHITE;
  return { background: bg, text };
}

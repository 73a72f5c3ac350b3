/** How a page picks light or dark colours; `auto` follows the visitor's system setting. */
export type ColorScheme = "auto" | "light" | "dark";

/**
 * The look of the built-in pages (Auth.js's `theme` option). Values that fail validation are
 * ignored, never passed through: a colour must be `#rgb` or `#rrggbb`, a logo an https URL or
 * a path on this site.
 */
export interface PageTheme {
  readonly colorScheme?: ColorScheme | undefined;
  /** Shown above the heading; decorative (the app name is always written out too). */
  readonly logo?: string | undefined;
  /** Background of the main buttons. The button text is black or white, whichever reads better. */
  readonly brandColor?: string | undefined;
  /** Text colour on `brandColor` buttons; used only when it reaches 4.5:1 against the brand colour. */
  readonly buttonText?: string | undefined;
}

/** Props every page takes. */
export interface PageBaseProps {
  /** Written into headings and the title; escaped. */
  readonly appName: string;
  readonly theme?: PageTheme | undefined;
  /**
   * The per-response CSP nonce (base64 or base64url, at least 16 characters) that lets the
   * page's one `<style>` element apply. The same value goes into the returned headers.
   */
  readonly nonce: string;
}

/**
 * A rendered page: what a route answers with. `headers` already carry the CSP that matches
 * the page's style nonce; {@link pageResponse} turns this into a Web `Response`.
 */
export interface RenderedPage {
  readonly status: number;
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}

import { escapeHtml } from "../../../email/templates.js";

export { escapeHtml };

/** A hidden form field; name and value escaped. */
export function hiddenInput(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

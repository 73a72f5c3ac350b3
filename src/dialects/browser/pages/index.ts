export { buttonColors, contrastRatio, parseHexColor } from "./colors.js";
export type { ButtonColors } from "./colors.js";
export { renderConfirmPage } from "./confirm.js";
export type { ConfirmPageProps } from "./confirm.js";
export { errorPageCode, renderErrorPage } from "./error.js";
export type { ErrorPageCode, ErrorPageProps } from "./error.js";
export { renderLayout } from "./layout.js";
export type { LayoutInput } from "./layout.js";
export { pageResponse } from "./response.js";
export { safeImageUrl, safeLinkUrl } from "./safe-url.js";
export { createPageNonce, securityHeaders } from "./security-headers.js";
export { renderSignInPage, signInErrorCode } from "./sign-in.js";
export type {
  CredentialsField,
  SignInErrorCode,
  SignInPageProps,
  SignInProvider,
  SignInProviderStyle,
  SignInProviderType,
} from "./sign-in.js";
export { renderSignOutPage } from "./sign-out.js";
export type { SignOutPageProps } from "./sign-out.js";
export type { ColorScheme, PageBaseProps, PageTheme, RenderedPage } from "./types.js";
export { renderVerifyRequestPage } from "./verify-request.js";
export type { VerifyRequestPageProps } from "./verify-request.js";

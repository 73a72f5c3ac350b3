import Apple from "./apple.js";
import Atlassian from "./atlassian.js";
import Auth0 from "./auth0.js";
import Authentik from "./authentik.js";
import Bitbucket from "./bitbucket.js";
import Cognito from "./cognito.js";
import Discord from "./discord.js";
import Dropbox from "./dropbox.js";
import Facebook from "./facebook.js";
import Figma from "./figma.js";
import GitHub from "./github.js";
import GitLab from "./gitlab.js";
import Google from "./google.js";
import HuggingFace from "./huggingface.js";
import Kakao from "./kakao.js";
import Keycloak from "./keycloak.js";
import Line from "./line.js";
import Linear from "./linear.js";
import LinkedIn from "./linkedin.js";
import MicrosoftEntraID from "./microsoft-entra-id.js";
import Naver from "./naver.js";
import Notion from "./notion.js";
import Okta from "./okta.js";
import PayPal from "./paypal.js";
import Reddit from "./reddit.js";
import Salesforce from "./salesforce.js";
import Slack from "./slack.js";
import Spotify from "./spotify.js";
import TikTok from "./tiktok.js";
import Twitch from "./twitch.js";
import Twitter from "./twitter.js";
import Vercel from "./vercel.js";
import VK from "./vk.js";
import Yandex from "./yandex.js";
import Zitadel from "./zitadel.js";
import Zoom from "./zoom.js";
import type { OAuthConfig } from "./types.js";

/** A preset factory of any profile type. */
// biome-ignore lint/suspicious/noExplicitAny: presets differ in their profile types
export type AnyProviderFactory = (options?: any) => OAuthConfig<any>;

/**
 * Presets by the key `socialProviders` uses: each preset's Auth.js id, plus Better Auth's name
 * where it differs (`microsoft`). The key is also the provider id, so the callback path is
 * `/callback/<key>`.
 */
export const presets: Readonly<Record<string, AnyProviderFactory>> = {
  apple: Apple,
  atlassian: Atlassian,
  auth0: Auth0,
  authentik: Authentik,
  bitbucket: Bitbucket,
  cognito: Cognito,
  discord: Discord,
  dropbox: Dropbox,
  facebook: Facebook,
  figma: Figma,
  github: GitHub,
  gitlab: GitLab,
  google: Google,
  huggingface: HuggingFace,
  kakao: Kakao,
  keycloak: Keycloak,
  line: Line,
  linear: Linear,
  linkedin: LinkedIn,
  "microsoft-entra-id": MicrosoftEntraID,
  naver: Naver,
  notion: Notion,
  okta: Okta,
  paypal: PayPal,
  reddit: Reddit,
  salesforce: Salesforce,
  slack: Slack,
  spotify: Spotify,
  tiktok: TikTok,
  twitch: Twitch,
  twitter: Twitter,
  vercel: Vercel,
  vk: VK,
  yandex: Yandex,
  zitadel: Zitadel,
  zoom: Zoom,
  microsoft: MicrosoftEntraID,
};

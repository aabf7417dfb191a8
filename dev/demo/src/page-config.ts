/** What the page (demo/web) needs to start each flow; the demo server serves it as /demo/config.json. */
export interface PageConfig {
  /** TikTok's (here: the emulator's) authorize page, opened by flows A and C. */
  authorizeUrl: string;
  clientKey: string;
  scopes: string;
  /** The plugin's routes, e.g. /api/tiktok-auth-mobile (same origin as the page). */
  pluginApi: string;
  /** The plugin's /callback: flow A's redirect URI. */
  callbackUrl: string;
  /** Where TikTok hands flow C its code, as the mobile SDK would. */
  sdkRedirectUri: string;
}

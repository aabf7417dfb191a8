import type { SettingStatus } from './settings';

export interface FlowStatus {
  id: 'A' | 'B' | 'C';
  routes: string[];
  available: boolean;
  /** What the flow still needs: env names of unset settings, or the state cookie's key. */
  needs: string[];
}

/** `GET /tiktok-auth-mobile/status` (admin API): the answer's `data`. */
export interface StatusReport {
  settings: SettingStatus[];
  /** The settings every flow needs that are unset, by env name. */
  missing: readonly string[];
  /** The redirect URI to register at TikTok; null until `strapiUrl` is set. */
  redirectUri: string | null;
  /** The webhook callback URL to register in the TikTok portal; null until `strapiUrl` is set. */
  webhookUrl: string | null;
  /** `redirect_uri` values `POST /token` accepts. */
  tokenRedirectUris: string[];
  scopes: string[];
  userInfoFields: string[];
  flows: FlowStatus[];
  users: {
    /** TikTok identities linked to a user: all, those whose user a TikTok sign-in created, and
     * those linked to an existing account (`POST /link`). */
    identities: { total: number; signUp: number; linked: number };
    /**
     * Users-permissions users whose provider is `tiktok`. Those the original plugin created get
     * their identity at their next sign-in, so this may exceed `identities.signUp`.
     */
    tiktokUsers: number;
    /** The last Strapi session this plugin issued (any flow); null if none since it records them. */
    lastSignInAt: string | null;
  };
  /** TikTok tokens kept for the app (`storeTokens`), counted over identities: never a token. */
  tokens: {
    storeTokens: boolean;
    /** Identities with tokens stored. */
    stored: number;
    /**
     * Of those, the ones the person must renew (sign in again) within `expiringWithinDays`: the
     * refresh token expires then (or, with an access token alone, that one).
     */
    expiring: number;
    expiringWithinDays: number;
    /** Tokens TikTok refused to refresh: the person must sign in again. */
    unusable: number;
    /** Identities whose person removed the app in TikTok (`authorization.removed`). */
    disconnected: number;
  };
}

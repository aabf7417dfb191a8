/** Shapes of TikTok's v2 API answers (developers.tiktok.com, Login Kit and Display API). */

export interface TikTokTokenSuccess {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_token: string;
  refresh_expires_in: number;
  scope: string;
  token_type: string;
}

/**
 * A refresh (`grant_type=refresh_token`) answers the same fields. `refresh_token` may be a new
 * one (rotation): the one sent may then be retired, so the answer's is the one to keep, and the
 * lifetimes are TikTok's current numbers, not constants.
 */
export type TikTokRefreshSuccess = TikTokTokenSuccess;

/** TikTok's OAuth error body; it is sometimes sent with HTTP 200. */
export interface TikTokOAuthError {
  error: string;
  error_description?: string;
  log_id?: string;
}

export interface TikTokUser {
  open_id?: string;
  union_id?: string;
  avatar_url?: string;
  display_name?: string;
  username?: string;
}

export interface TikTokApiError {
  code: string;
  message?: string;
  log_id?: string;
}

export interface TikTokUserInfoResponse {
  data?: { user?: TikTokUser };
  error?: TikTokApiError;
}

/** The user-info fields this plugin uses, by the scope that grants them. */
export const USER_FIELDS_BY_SCOPE: Readonly<Record<string, readonly (keyof TikTokUser)[]>> = {
  'user.info.basic': ['open_id', 'union_id', 'avatar_url', 'display_name'],
  'user.info.profile': ['username'],
};

/** A TikTok person as one sign-in or link saw them: the profile, and the scopes they granted. */
export interface TikTokPerson {
  profile: TikTokUser;
  scopes: string[];
}

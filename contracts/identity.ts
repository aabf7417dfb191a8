/**
 * `GET /me` (content API, signed-in user): the user's TikTok identity. Never holds a token:
 * `tokens` only says whether TikTok tokens are kept for the app and until when.
 */
export interface IdentityView {
  openId: string | null;
  unionId: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  scopes: string[];
  /** ISO dates. */
  linkedAt: string | null;
  lastSignInAt: string | null;
  /** Set when TikTok said the person removed the app's access. */
  disconnected: null | { at: string; reason: string | null };
  tokens: { stored: boolean; accessExpiresAt: string | null; refreshExpiresAt: string | null };
}

/** `POST /link`: the identity now linked; `linked` is false when it already was (a no-op). */
export interface LinkAnswer {
  linked: boolean;
  identity: IdentityView;
}

/** `DELETE /link`. */
export interface UnlinkAnswer {
  unlinked: true;
}

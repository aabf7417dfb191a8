/**
 * `POST /tiktok-auth-mobile/check-credentials` (admin API): the answer's `data`. What TikTok's
 * token endpoint says about the client key and secret when sent a code that cannot exist:
 * `rejected` is invalid_client; `accepted` means TikTok got past the client check to the code
 * (invalid_grant / invalid_request); `unknown` is anything else (timeout, 5xx, odd answer).
 */
export interface CredentialsCheck {
  outcome: 'accepted' | 'rejected' | 'unknown';
  /** TikTok's error code, or what went wrong when TikTok gave none. */
  detail: string;
  /** TikTok's id for the request, to quote to TikTok's support. */
  logId?: string;
}

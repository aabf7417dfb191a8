/**
 * Every message a client can receive, in one place, worded exactly as the spec (and the original
 * plugin) words them: apps match on these strings.
 */
export const MESSAGES = {
  noAccessToken: 'No access token provided.',
  accessTokenTooLong: 'The access token is too long.',
  userDoesNotExist: 'User does not exist.',
  fetchUserFailed: (reason: string) => `Failed to fetch TikTok user: ${reason}`,
  emailNotAvailable: 'Email was not available.',
  registerDisabled: 'Register action is actually not available.',
  emailTaken: 'Email is already taken.',
  blocked: 'Your account has been blocked by an administrator',
  sessionFailed: 'Invalid credentials',
  defaultRoleMissing: 'Impossible to find the default role',
  missingScopes: "User hasn't provided needed scopes",
  noCode: 'No code provided',
  codeTooLong: 'The code is too long.',
  invalidCallback: 'Invalid callback parameters',
  invalidAppState: 'state must be a single value of at most 512 printable characters',
  stateMismatch: 'State does not match the sign-in that was started',
  flowExpired: 'The sign-in expired or was tampered with: start again',
  flowNotStarted: 'No sign-in was started from this browser: start again',
  flowDisabled: (flow: string) => `The ${flow} sign-in flow is turned off on this server`,
  noCodeVerifier: 'No code_verifier provided',
  invalidCodeVerifier:
    'Invalid code_verifier: 32 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~"',
  noRedirectUri: 'No redirect_uri provided',
  redirectUriNotAllowed: 'redirect_uri is not allowed',
  tokenExchangeFailed: (reason: string) => `Failed to get TikTok token: ${reason}`,
  tokenRefreshFailed: (reason: string) => `Failed to refresh TikTok token: ${reason}`,
  tokenRevokeFailed: (reason: string) => `Failed to revoke TikTok token: ${reason}`,
  tooManyRequests: 'Too many requests, please try again later.',
  tikTokRateLimited: 'TikTok asked this app to slow down, please try again later.',
  redisClientMissing:
    "rateLimitStore 'redis' needs the ioredis package: install it next to the plugin (npm install ioredis)",
  proxyTrustsAnyClaim:
    'server.proxy.koa is on with maxIpsCount 0: the leftmost X-Forwarded-For address, which any client ' +
    'can write, is taken as the client and keys the rate limit. Set server.proxy.maxIpsCount to the ' +
    'number of proxies in front of Strapi',
  webhookSignatureInvalid: 'Invalid TikTok webhook signature',
  webhookBodyTooLarge: 'The webhook body is too large.',
  webhookBodyInvalid: 'Not a TikTok webhook event',
  alreadyLinkedToAnother: 'This TikTok account is already linked to another user.',
  userAlreadyLinked: 'A TikTok account is already linked to this user.',
  cannotUnlinkOnlyWay: 'Cannot unlink the only way this user signs in.',
  noIdentity: 'No TikTok account is linked to this user.',
  linkBodyAmbiguous:
    'Send either access_token, or code with code_verifier and redirect_uri, not both.',
  tokensNotStored: 'No TikTok tokens are kept for this user: they must sign in with TikTok again.',
  tokensUnusable:
    'TikTok refused to refresh the tokens of this user: they must sign in with TikTok again.',
  tokensDisconnected: 'This user removed the app in TikTok: they must sign in with TikTok again.',
  tokenExpired:
    'The TikTok access token of this user expired and cannot be refreshed: they must sign in with TikTok again.',
  tokensUnreadable:
    'The TikTok tokens of this user were sealed with a key no longer configured: they must sign in with TikTok again.',
  tokenRefreshBusy:
    "Another refresh of this user's TikTok tokens did not finish in time, please try again later.",
  tokenStorageOff: 'TikTok tokens are not kept: storeTokens is off.',
  tokenVaultWithoutKey:
    'storeTokens is on but no key seals the tokens: set TIKTOK_TOKEN_ENCRYPTION_KEY (32+ characters) or APP_KEYS',
  // users-permissions' own answers to a request without a usable JWT.
  missingCredentials: 'Missing or invalid credentials',
  unsetVariables: (names: readonly string[]) =>
    `Unset environment variables: check ${names.join(', ')}`,
} as const;

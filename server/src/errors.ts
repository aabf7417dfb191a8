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
  invalidCallback: 'Invalid callback parameters',
  tokenExchangeFailed: (reason: string) => `Failed to get TikTok token: ${reason}`,
  tooManyRequests: 'Too many requests, please try again later.',
  unsetVariables: (names: readonly string[]) =>
    `Unset environment variables: check ${names.join(', ')}`,
} as const;

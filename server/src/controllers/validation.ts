import * as yup from 'yup';
import { errors } from '@strapi/utils';
import { VERIFIER_PATTERN } from '../lib/oauth/pkce';
import { MESSAGES } from '../messages';

// TikTok's tokens and codes are well under these; the caps keep junk from reaching TikTok.
const MAX_TOKEN_LENGTH = 2048;
const MAX_QUERY_VALUE_LENGTH = 2048;

/**
 * A required string field, trimmed. readBody hands over only real strings (yup would turn 42 into
 * "42"): anything else reads as missing.
 */
const requiredText = (missing: string, maxLength: number, tooLong: string) =>
  yup.string().trim().required(missing).max(maxLength, tooLong);

const connectBodySchema = yup.object({
  access_token: requiredText(MESSAGES.noAccessToken, MAX_TOKEN_LENGTH, MESSAGES.accessTokenTooLong),
});

/**
 * The values of `fields` that `source` holds as its own properties. Only those reach yup: a key
 * such as `constructor`, `toString` or `__proto__` would otherwise be looked up among the
 * schema's fields, find an inherited function there and crash the validation (a 500).
 */
export const ownFields = (fields: readonly string[], source: unknown): Record<string, unknown> => {
  const picked: Record<string, unknown> = {};
  if (!source || typeof source !== 'object' || Array.isArray(source)) return picked;
  for (const field of fields) {
    if (Object.prototype.hasOwnProperty.call(source, field))
      picked[field] = (source as Record<string, unknown>)[field];
  }
  return picked;
};

/**
 * The string values among `fields` of a JSON body; anything else reads as missing (yup would
 * turn 42 into "42", and call the `toString` of an object such as `{"toString": "x"}`).
 */
const ownStrings = (fields: readonly string[], body: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(ownFields(fields, body)).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string'
    )
  );

/**
 * A JSON body checked against `schema`, whose fields are all strings. A failure is a 400 with the
 * message of the first wrong field in the schema's order (yup itself reports them in no useful
 * order).
 */
const readBody = <Schema extends yup.AnyObjectSchema>(
  schema: Schema,
  body: unknown
): yup.InferType<Schema> => {
  const order = Object.keys(schema.fields);
  try {
    return schema.validateSync(ownStrings(order, body), { abortEarly: false });
  } catch (error) {
    if (!(error instanceof yup.ValidationError)) throw error;
    const rank = (problem: yup.ValidationError) => order.indexOf(problem.path ?? '');
    const [first] = [...error.inner].sort((a, b) => rank(a) - rank(b));
    throw new errors.ValidationError((first ?? error).message);
  }
};

/** The TikTok access token from a `/connect` body, or the spec's 400. */
export const readAccessToken = (body: unknown): string =>
  readBody(connectBodySchema, body).access_token;

// Strapi's sessions keep the device id in a string column (255 characters).
const MAX_DEVICE_ID_LENGTH = 255;

/** The optional `deviceId` of a sign-in body: a non-empty string, otherwise none. */
export const readDeviceId = (body: unknown): string | undefined => {
  const { deviceId } = ownStrings(['deviceId'], body);
  return deviceId && deviceId.length <= MAX_DEVICE_ID_LENGTH ? deviceId : undefined;
};

const queryValue = yup.string().strict(true).max(MAX_QUERY_VALUE_LENGTH);

const callbackQuerySchema = yup.object({
  code: queryValue,
  scopes: queryValue,
  state: queryValue,
  error: queryValue,
  error_description: queryValue,
});

export type CallbackQuery = yup.InferType<typeof callbackQuerySchema>;

/**
 * TikTok's redirect parameters, each a single string or absent. A repeated or oversized value
 * cannot come from TikTok, so the whole request is refused rather than guessed at.
 */
export const readCallbackQuery = (query: unknown): CallbackQuery | undefined => {
  try {
    const fields = Object.keys(callbackQuerySchema.fields);
    return callbackQuerySchema.validateSync(ownFields(fields, query));
  } catch {
    return undefined;
  }
};

// The app's own state travels through TikTok, a cookie and the app URL: keep it modest.
const MAX_APP_STATE_LENGTH = 512;
// C0, DEL and C1: no app needs them, and each one seals to six bytes (`\u0001`), so 512 of them
// make a cookie browsers drop.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The optional `state` an app passes to `/authorize`, or a 400 for anything but one string of at
 * most 512 printable characters. Every such state seals into a cookie browsers keep (see
 * flow-cookie, which checks it again by sealing).
 */
export const readAppState = (query: unknown): string | undefined => {
  const { state } = ownFields(['state'], query);
  if (state === undefined || state === '') return undefined;
  if (
    typeof state !== 'string' ||
    state.length > MAX_APP_STATE_LENGTH ||
    CONTROL_CHARACTER.test(state)
  ) {
    throw new errors.ValidationError(MESSAGES.invalidAppState);
  }
  return state;
};

const tokenBodySchema = yup.object({
  code: requiredText(MESSAGES.noCode, MAX_QUERY_VALUE_LENGTH, MESSAGES.codeTooLong),
  code_verifier: requiredText(MESSAGES.noCodeVerifier, 128, MESSAGES.invalidCodeVerifier).matches(
    VERIFIER_PATTERN,
    MESSAGES.invalidCodeVerifier
  ),
  redirect_uri: requiredText(
    MESSAGES.noRedirectUri,
    MAX_QUERY_VALUE_LENGTH,
    MESSAGES.redirectUriNotAllowed
  ),
});

export interface TokenRequest {
  code: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The `/token` body of Flow C, or a 400 naming the first field that is wrong. */
export const readTokenRequest = (body: unknown): TokenRequest => {
  const valid = readBody(tokenBodySchema, body);
  return { code: valid.code, codeVerifier: valid.code_verifier, redirectUri: valid.redirect_uri };
};

/**
 * A `/link` body: `{ access_token }`, or `{ code, code_verifier, redirect_uri }` as `/token`
 * takes it, each checked as its own route checks it. Both at once is refused rather than guessed.
 */
export const readLinkRequest = (body: unknown): { accessToken: string } | TokenRequest => {
  const given = ownStrings(['access_token', 'code'], body);
  if (given.access_token !== undefined && given.code !== undefined) {
    throw new errors.ValidationError(MESSAGES.linkBodyAmbiguous);
  }
  return given.code === undefined ? { accessToken: readAccessToken(body) } : readTokenRequest(body);
};

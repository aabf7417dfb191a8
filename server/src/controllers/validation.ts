import * as yup from 'yup';
import { errors } from '@strapi/utils';
import { MESSAGES } from '../errors';

// TikTok's tokens and codes are well under these; the caps keep junk from reaching TikTok.
const MAX_TOKEN_LENGTH = 2048;
const MAX_QUERY_VALUE_LENGTH = 2048;

const connectBodySchema = yup.object({
  access_token: yup
    .string()
    // Only a real string counts (yup would turn 42 into "42"); anything else reads as missing.
    .transform((_value: unknown, original: unknown) =>
      typeof original === 'string' ? original.trim() : undefined
    )
    .required(MESSAGES.noAccessToken)
    .max(MAX_TOKEN_LENGTH, MESSAGES.accessTokenTooLong),
});

/** The TikTok access token from a `/connect` body, or the spec's 400. */
export const readAccessToken = (body: unknown): string => {
  const input = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  try {
    return connectBodySchema.validateSync(input).access_token;
  } catch (error) {
    const message = error instanceof yup.ValidationError ? error.message : MESSAGES.noAccessToken;
    throw new errors.ValidationError(message);
  }
};

// Strapi's sessions keep the device id in a string column (255 characters).
const MAX_DEVICE_ID_LENGTH = 255;

/** The optional `deviceId` of a sign-in body: a non-empty string, otherwise none. */
export const readDeviceId = (body: unknown): string | undefined => {
  const deviceId =
    body && typeof body === 'object' ? (body as { deviceId?: unknown }).deviceId : undefined;
  return typeof deviceId === 'string' &&
    deviceId.length > 0 &&
    deviceId.length <= MAX_DEVICE_ID_LENGTH
    ? deviceId
    : undefined;
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
    return callbackQuerySchema.validateSync(query ?? {}, { stripUnknown: true });
  } catch {
    return undefined;
  }
};

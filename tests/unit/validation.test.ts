import { errors } from '@strapi/utils';
import {
  readAccessToken,
  readCallbackQuery,
  readDeviceId,
} from '../../server/src/controllers/validation';
import { thrownBy } from '../support/errors';

const NO_TOKEN = 'No access token provided.';
const TOO_LONG = 'The access token is too long.';

const refusal = (body: unknown) => thrownBy(() => readAccessToken(body), errors.ValidationError);

describe('readAccessToken', () => {
  it.each([
    ['a plain token', 'act.abc123'],
    ['a token with TikTok punctuation', 'act.1a2B-3c_4D!5e*6F'],
    ['a token of exactly 2048 characters', 'a'.repeat(2048)],
  ])('returns %s', (_case, token) => {
    expect(readAccessToken({ access_token: token })).toBe(token);
  });

  it.each([' act.abc ', 'act.abc\n', '\tact.abc'])('trims the whitespace around %p', (token) => {
    expect(readAccessToken({ access_token: token })).toBe('act.abc');
  });

  it('ignores other fields of the body', () => {
    expect(readAccessToken({ access_token: 'act.abc', deviceId: 'phone-1' })).toBe('act.abc');
  });

  it.each<[string, unknown]>([
    ['no body', undefined],
    ['a null body', null],
    ['a string body', 'act.abc'],
    ['an array body', [{ access_token: 'act.abc' }]],
    ['an empty object', {}],
    ['a null token', { access_token: null }],
    ['an empty token', { access_token: '' }],
    ['a blank token', { access_token: '   ' }],
    ['a numeric token', { access_token: 12345 }],
    ['a boolean token', { access_token: true }],
    ['an array token', { access_token: ['act.abc'] }],
    ['an object token', { access_token: { $ne: '' } }],
  ])('refuses %s with the spec message', (_case, body) => {
    const error = refusal(body);
    expect([error.name, error.message]).toEqual(['ValidationError', NO_TOKEN]);
  });

  it('refuses a token over 2048 characters', () => {
    expect(refusal({ access_token: 'a'.repeat(2049) }).message).toBe(TOO_LONG);
  });

  it('never echoes the refused token', () => {
    expect(refusal({ access_token: `SECRET-${'a'.repeat(3000)}` }).message).not.toContain('SECRET');
  });
});

describe('readDeviceId', () => {
  it('returns a device id given as a string', () => {
    expect(readDeviceId({ access_token: 'act.abc', deviceId: 'phone-1' })).toBe('phone-1');
  });

  it.each<[string, unknown]>([
    ['no body', undefined],
    ['no deviceId', { access_token: 'act.abc' }],
    ['an empty deviceId', { deviceId: '' }],
    ['a numeric deviceId', { deviceId: 7 }],
    ['an object deviceId', { deviceId: { id: 'x' } }],
    ['a deviceId over 255 characters', { deviceId: 'd'.repeat(256) }],
  ])('ignores %s', (_case, body) => {
    expect(readDeviceId(body)).toBeUndefined();
  });
});

describe('readCallbackQuery', () => {
  const fromTikTok = {
    code: 'code-123',
    scopes: 'user.info.basic,user.info.profile',
    state: 'state 1/2',
    error: 'access_denied',
    error_description: 'The user denied the request',
  };

  it('passes every TikTok parameter through as is', () => {
    expect(readCallbackQuery(fromTikTok)).toEqual(fromTikTok);
  });

  it('strips unknown keys', () => {
    expect(
      readCallbackQuery({ code: 'code-123', redirect: 'https://evil.example', __proto__x: '1' })
    ).toEqual({
      code: 'code-123',
    });
  });

  it.each([undefined, null, {}])('reads an absent query (%p) as no parameters', (query) => {
    expect(readCallbackQuery(query)).toEqual({});
  });

  it('accepts a value of exactly 2048 characters', () => {
    expect(readCallbackQuery({ code: 'c'.repeat(2048) })?.code).toHaveLength(2048);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a repeated code', { code: ['a', 'b'] }],
    ['a repeated state', { code: 'c', state: ['s1', 's2'] }],
    ['an oversized code', { code: 'c'.repeat(2049) }],
    ['an oversized error_description', { error: 'x', error_description: 'd'.repeat(2049) }],
    ['a non-string value', { scopes: { basic: true } }],
  ])('refuses %s as a whole', (_case, query) => {
    expect(readCallbackQuery(query)).toBeUndefined();
  });
});

import { errors } from '@strapi/utils';
import {
  readAccessToken,
  readAppState,
  readCallbackQuery,
  readDeviceId,
  readTokenRequest,
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

  it.each<[string, unknown]>([
    ['constructor', { constructor: 1 }],
    ['toString', { toString: 1 }],
    ['hasOwnProperty', { hasOwnProperty: 'x' }],
    ['valueOf', { valueOf: {} }],
    ['__proto__', JSON.parse('{"__proto__": {"access_token": "act.inherited"}}')],
    ['a token with its own toString', { access_token: { toString: 'x' } }],
    ['a token with a toString function', { access_token: { toString: () => 'act.abc' } }],
  ])('refuses a body keyed %s as a missing token, never a crash', (_case, body) => {
    expect(refusal(body).message).toBe(NO_TOKEN);
  });

  it('reads the token next to keys named like Object.prototype members', () => {
    expect(readAccessToken({ constructor: 1, toString: 'x', access_token: 'act.abc' })).toBe(
      'act.abc'
    );
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
    ['a deviceId with its own toString', { deviceId: { toString: 'x' } }],
    ['an inherited deviceId', JSON.parse('{"__proto__": {"deviceId": "phone-1"}}')],
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

  it('ignores keys named like Object.prototype members', () => {
    expect(readCallbackQuery({ constructor: '1', toString: 'x', code: 'code-123' })).toEqual({
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
    ['a value with its own toString', { code: { toString: 'x' } }],
  ])('refuses %s as a whole', (_case, query) => {
    expect(readCallbackQuery(query)).toBeUndefined();
  });
});

describe('readTokenRequest', () => {
  const VERIFIER = 'v'.repeat(43);
  const VALID = { code: 'code-1', code_verifier: VERIFIER, redirect_uri: 'https://a.example/cb' };
  const BAD_VERIFIER =
    'Invalid code_verifier: 32 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~"';
  const refusalOf = (body: unknown) =>
    thrownBy(() => readTokenRequest(body), errors.ValidationError).message;

  it('returns the three fields, trimmed, under their camel-case names', () => {
    expect(
      readTokenRequest({ ...VALID, code: ' code-1 ', deviceId: 'phone', extra: { deep: 1 } })
    ).toEqual({ code: 'code-1', codeVerifier: VERIFIER, redirectUri: 'https://a.example/cb' });
  });

  it('reads the fields next to keys named like Object.prototype members', () => {
    expect(readTokenRequest({ ...VALID, toString: 1, hasOwnProperty: 'x' })).toEqual({
      code: 'code-1',
      codeVerifier: VERIFIER,
      redirectUri: 'https://a.example/cb',
    });
  });

  it.each<[string, unknown, string]>([
    ['no body', undefined, 'No code provided'],
    ['a string body', 'code-1', 'No code provided'],
    ['an array body', [VALID], 'No code provided'],
    ['an empty object', {}, 'No code provided'],
    ['a null code', { ...VALID, code: null }, 'No code provided'],
    ['a numeric code', { ...VALID, code: 7 }, 'No code provided'],
    ['an object code', { ...VALID, code: { $ne: '' } }, 'No code provided'],
    ['a blank code', { ...VALID, code: ' ' }, 'No code provided'],
    ['a 2049-character code', { ...VALID, code: 'c'.repeat(2049) }, 'The code is too long.'],
    ['no verifier', { ...VALID, code_verifier: undefined }, 'No code_verifier provided'],
    ['a numeric verifier', { ...VALID, code_verifier: 1e40 }, 'No code_verifier provided'],
    ['a short verifier', { ...VALID, code_verifier: 'v'.repeat(31) }, BAD_VERIFIER],
    ['a long verifier', { ...VALID, code_verifier: 'v'.repeat(129) }, BAD_VERIFIER],
    ['a base64 verifier', { ...VALID, code_verifier: `${'v'.repeat(42)}+` }, BAD_VERIFIER],
    ['no redirect_uri', { ...VALID, redirect_uri: undefined }, 'No redirect_uri provided'],
    ['a list of redirect_uri', { ...VALID, redirect_uri: ['a'] }, 'No redirect_uri provided'],
    [
      'an oversized redirect_uri',
      { ...VALID, redirect_uri: `https://a.example/${'x'.repeat(2048)}` },
      'redirect_uri is not allowed',
    ],
    ['every field wrong: the first one is named', { code_verifier: 'x' }, 'No code provided'],
    ['only a constructor key', { constructor: 1 }, 'No code provided'],
    ['a code with its own toString', { ...VALID, code: { toString: 'x' } }, 'No code provided'],
  ])('refuses %s', (_case, body, message) => {
    expect(refusalOf(body)).toBe(message);
  });
});

describe('readAppState', () => {
  const TOO_MUCH = 'state must be a single value of at most 512 printable characters';

  it.each<[string, unknown, string | undefined]>([
    ['no query', undefined, undefined],
    ['no state', {}, undefined],
    ['an empty state', { state: '' }, undefined],
    ['a state', { state: 'app state/1' }, 'app state/1'],
    ['a 512-character state', { state: 's'.repeat(512) }, 's'.repeat(512)],
    ['a state of unicode and emoji', { state: '€ 中文 😀 \u2028' }, '€ 中文 😀 \u2028'],
  ])('reads %s', (_case, query, expected) => {
    expect(readAppState(query)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['a repeated state', { state: ['a', 'b'] }],
    ['a 513-character state', { state: 's'.repeat(513) }],
    ['a nested state', { state: { a: 'b' } }],
    ['512 control characters', { state: '\u0001'.repeat(512) }],
    ['a state with a NUL', { state: 'a\u0000b' }],
    ['a state with CR/LF', { state: 'a\r\nb' }],
    ['a state with DEL', { state: 'a\u007fb' }],
    ['a state with a C1 control', { state: 'a\u0085b' }],
  ])('refuses %s', (_case, query) => {
    expect(thrownBy(() => readAppState(query), errors.ValidationError).message).toBe(TOO_MUCH);
  });
});

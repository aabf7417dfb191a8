import { appRedirectUrl, type Delivery } from '../../server/src/lib/http/redirect';

type Params = Record<string, string | undefined>;

describe('appRedirectUrl', () => {
  it.each<[string, string, Params, Delivery, string]>([
    [
      'adds a query to a URL without one',
      'https://app.example.com/cb',
      { access_token: 'abc' },
      'query',
      'https://app.example.com/cb?access_token=abc',
    ],
    [
      'adds to an app-scheme URL',
      'myapp://tiktok',
      { access_token: 'abc' },
      'query',
      'myapp://tiktok?access_token=abc',
    ],
    [
      'keeps an existing query',
      'https://app.example.com/cb?from=strapi',
      { access_token: 'abc' },
      'query',
      'https://app.example.com/cb?from=strapi&access_token=abc',
    ],
    [
      'handles a base ending in ?',
      'https://app.example.com/cb?',
      { access_token: 'abc' },
      'query',
      'https://app.example.com/cb?access_token=abc',
    ],
    [
      'handles a base ending in &',
      'https://app.example.com/cb?from=strapi&',
      { access_token: 'abc' },
      'query',
      'https://app.example.com/cb?from=strapi&access_token=abc',
    ],
    [
      'keeps the parameters in order',
      'myapp://cb',
      { access_token: 'abc', state: 'xyz' },
      'query',
      'myapp://cb?access_token=abc&state=xyz',
    ],
    [
      'keeps an existing fragment after the query',
      'https://app.example.com/cb?from=strapi#/home',
      { access_token: 'abc' },
      'query',
      'https://app.example.com/cb?from=strapi&access_token=abc#/home',
    ],
    [
      'keeps a fragment when the base has no query',
      'https://app.example.com/cb#/home',
      { access_token: 'abc' },
      'query',
      'https://app.example.com/cb?access_token=abc#/home',
    ],
    [
      'ignores a ? inside the fragment',
      'https://app.example.com/cb#/x?y=1',
      { access_token: 'abc' },
      'query',
      'https://app.example.com/cb?access_token=abc#/x?y=1',
    ],
    [
      'puts values in a new fragment',
      'https://app.example.com/cb?from=strapi',
      { access_token: 'abc' },
      'fragment',
      'https://app.example.com/cb?from=strapi#access_token=abc',
    ],
    [
      'appends to an existing fragment',
      'https://app.example.com/cb#tab=1',
      { access_token: 'abc', state: 's' },
      'fragment',
      'https://app.example.com/cb#tab=1&access_token=abc&state=s',
    ],
    [
      'fills an empty fragment',
      'myapp://cb#',
      { access_token: 'abc' },
      'fragment',
      'myapp://cb#access_token=abc',
    ],
  ])('%s', (_case, base, params, delivery, expected) => {
    expect(appRedirectUrl(base, params, delivery)).toBe(expected);
  });

  it.each<Delivery>(['query', 'fragment'])('drops undefined values (%s)', (delivery) => {
    const separator = delivery === 'query' ? '?' : '#';
    expect(appRedirectUrl('myapp://cb', { access_token: 'abc', state: undefined }, delivery)).toBe(
      `myapp://cb${separator}access_token=abc`
    );
  });

  it.each<Delivery>(['query', 'fragment'])(
    'returns the base unchanged when every value is undefined (%s)',
    (delivery) => {
      const base = 'https://app.example.com/cb?from=strapi#/home';
      expect(appRedirectUrl(base, { error: undefined, state: undefined }, delivery)).toBe(base);
    }
  );

  it('keeps an empty string value as an empty parameter', () => {
    expect(appRedirectUrl('myapp://cb', { state: '' }, 'query')).toBe('myapp://cb?state=');
  });

  it.each([
    ['a space', 'a b', 'a%20b'],
    ['an ampersand', 'a&b', 'a%26b'],
    ['an equals sign', 'a=b', 'a%3Db'],
    ['a hash', 'a#b', 'a%23b'],
    ['a question mark', 'a?b', 'a%3Fb'],
    [
      'CR/LF',
      'a\r\nLocation: https://evil.example',
      'a%0D%0ALocation%3A%20https%3A%2F%2Fevil.example',
    ],
    ['markup', '<script>"x"</script>', '%3Cscript%3E%22x%22%3C%2Fscript%3E'],
    ['unicode', 'é😀', '%C3%A9%F0%9F%98%80'],
    ['a percent sign', '100%', '100%25'],
    ['a plus sign', 'a+b', 'a%2Bb'],
  ])('encodes %s with encodeURIComponent', (_case, value, encoded) => {
    const url = appRedirectUrl('myapp://cb', { error: value }, 'query');
    expect(url).toBe(`myapp://cb?error=${encoded}`);
    expect(new URL(url).searchParams.get('error')).toBe(value);
  });

  it('encodes keys as well as values', () => {
    expect(appRedirectUrl('myapp://cb', { 'a b&c': 'v' }, 'fragment')).toBe(
      'myapp://cb#a%20b%26c=v'
    );
  });

  it('never changes the target: a value cannot add a host, path or fragment', () => {
    const url = new URL(
      appRedirectUrl(
        'https://app.example.com/cb',
        { state: '#@evil.example/x?y', access_token: '//evil.example' },
        'query'
      )
    );
    expect([url.origin, url.pathname, url.hash]).toEqual(['https://app.example.com', '/cb', '']);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      state: '#@evil.example/x?y',
      access_token: '//evil.example',
    });
  });
});

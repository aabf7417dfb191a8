import { ROUTE_BASE, USER_UID } from '../../server/src/constants';
import type { Response } from 'supertest';
import {
  CALLBACK_URL,
  IOS_VERIFIER,
  REDIRECT_APP_URL,
  startTestApp,
  type TestApp,
} from './harness';

/**
 * Hostile input on every route, as one table: each route declares what it reads, every hostile
 * value is sent in each of those places, and every answer must be a clear 4xx in Strapi's error
 * shape (or, for a route that redirects, a redirect to its configured target only): never a 5xx,
 * a stack trace, a redirect elsewhere or an injected header.
 */
interface RouteUnderTest {
  method: 'GET' | 'POST';
  path: string;
  /** Query parameters the route reads. */
  query?: string[];
  /** JSON body fields the route reads. */
  body?: string[];
  /** The only place the route may redirect to (known once the app runs); absent: it never redirects. */
  redirectsTo?: (app: TestApp) => string;
  /** When given, the only messages its 400 answers may carry. */
  badRequestMessages?: string[];
  /** A valid request, to which one hostile part at a time is added. */
  baseQuery?: string;
  baseBody?: Record<string, unknown>;
}

const PREFIX = `/api${ROUTE_BASE}`;

const ROUTES: Record<string, RouteUnderTest> = {
  authorize: {
    method: 'GET',
    path: `${PREFIX}/authorize`,
    query: ['state'],
    baseQuery: 'state=app-state',
    // The app's state never reaches the Location: it travels sealed in the flow cookie.
    redirectsTo: (app) => app.env.TIKTOK_AUTHORIZE_URL!,
    badRequestMessages: ['state must be a single value of at most 512 printable characters'],
  },
  callback: {
    method: 'GET',
    path: `${PREFIX}/callback`,
    query: ['code', 'scopes', 'state', 'error', 'error_description'],
    baseQuery: 'code=c0de&scopes=user.info.basic&state=s',
    redirectsTo: () => REDIRECT_APP_URL,
  },
  connect: {
    method: 'POST',
    path: `${PREFIX}/connect`,
    body: ['access_token', 'deviceId'],
    baseBody: { access_token: 'act.hostile-test', deviceId: 'device-1' },
  },
  token: {
    method: 'POST',
    path: `${PREFIX}/token`,
    body: ['code', 'code_verifier', 'redirect_uri', 'deviceId'],
    baseBody: {
      code: 'code.hostile-test',
      code_verifier: IOS_VERIFIER,
      redirect_uri: CALLBACK_URL,
      deviceId: 'device-1',
    },
  },
};

/** Query values exactly as they appear in the URL (already percent-encoded, or deliberately not). */
const QUERY_VALUES: [string, string][] = [
  ['empty', ''],
  ['CR/LF with a header', '%0D%0ASet-Cookie:%20injected=1%0D%0AX-Injected:%201'],
  ['raw-encoded LF', 'a%0Ab'],
  ['markup', '%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%3Cimg%20src=x%3E'],
  ['a lone %', '%'],
  ['an invalid escape', '%zz%G1'],
  ['truncated UTF-8', '%E0%A4%A'],
  ['overlong UTF-8', '%C0%AF%C0%AE'],
  ['a NUL byte', 'a%00b'],
  ['double encoding', '%252e%252e%252f'],
  ['unicode and emoji', '%F0%9F%98%80%20%E4%B8%AD%E6%96%87%20%D8%B9%D8%B1%D8%A8%D9%8A'],
  ['a right-to-left override', '%E2%80%AEtxt.exe'],
  ['an off-site URL', 'https%3A%2F%2Fevil.example%2Fsteal'],
  ['a protocol-relative URL', '%2F%2Fevil.example'],
  ['3,000 characters', 'x'.repeat(3000)],
];

/** Ways to send a query parameter that no real client sends. */
const QUERY_SHAPES: [string, (name: string) => string][] = [
  ['repeated', (name) => `${name}=a&${name}=b`],
  ['as an array', (name) => `${name}[]=a&${name}[]=b`],
  ['as an object', (name) => `${name}[key]=a`],
  ['polluting __proto__', (name) => `${name}[__proto__][polluted]=1`],
  ['without a value', (name) => name],
];

/** Values of the wrong type or shape for a JSON body field. */
const BODY_VALUES: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['a huge number', 1e308],
  ['a boolean', true],
  ['an empty array', []],
  ['an array of strings', ['a', 'b']],
  ['an object', { $ne: '' }],
  ['a nested object', { a: { b: { c: [1, { d: null }] } } }],
  ['an empty string', ''],
  ['blanks', ' \t\n '],
  ['CR/LF with a header', 'a\r\nX-Injected: 1\r\n'],
  ['markup', '<script>alert(1)</script>'],
  ['a NUL byte', 'a\u0000b'],
  ['unicode and emoji', '😀 中文 عربي \u202e'],
  ['5,000 characters', 'x'.repeat(5000)],
];

/** Keys every object inherits: a parser or validator that looks them up can crash on them. */
const INHERITED_KEYS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'];

const MEGABYTE_AND_A_BIT = 1024 * 1024 + 1024;

/**
 * Whole bodies that are hostile as such, built around the route's first body field (`field`) and
 * the rest of its valid body, so that the hostile part is the only thing wrong.
 */
const rawBodies = (field: string, base: Record<string, unknown>): [string, string, string][] => {
  const rest = Object.entries(base).filter(([name]) => name !== field);
  const restMembers = rest.map(([name, value]) => `"${name}": ${JSON.stringify(value)}`);
  const jsonObject = (...members: string[]) => `{${[...members, ...restMembers].join(', ')}}`;
  const form = (...pairs: string[]) =>
    [...pairs, new URLSearchParams(rest.map(([name, value]) => [name, String(value)])).toString()]
      .filter(Boolean)
      .join('&');
  const huge = 'x'.repeat(MEGABYTE_AND_A_BIT);
  return [
    ['malformed JSON', 'application/json', `{"${field}": "a",`],
    ['a JSON array', 'application/json', `[${jsonObject(`"${field}": "a"`)}]`],
    ['a JSON string', 'application/json', `"${field}"`],
    ['JSON null', 'application/json', 'null'],
    [
      'repeated JSON keys',
      'application/json',
      jsonObject(`"${field}": "a"`, `"${field}": {"x": 1}`),
    ],
    [
      '__proto__ in JSON',
      'application/json',
      jsonObject('"__proto__": {"polluted": true}', `"${field}": 1`),
    ],
    ['deeply nested JSON', 'application/json', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['1 MB+ of JSON', 'application/json', jsonObject(`"${field}": "${huge}"`)],
    ['1 MB+ of form fields', 'application/x-www-form-urlencoded', form(`${field}=${huge}`)],
    ['1 MB+ of text', 'text/plain', huge],
    ['repeated form keys', 'application/x-www-form-urlencoded', form(`${field}=a`, `${field}=b`)],
    ['XML', 'application/xml', `<${field}>a</${field}>`],
    ['a lying content type', 'application/json', form(`${field}=a`)],
    ...INHERITED_KEYS.flatMap((key): [string, string, string][] => [
      [`only {"${key}": 1}`, 'application/json', `{"${key}": 1}`],
      [
        `"${key}" beside the fields`,
        'application/json',
        jsonObject(`"${key}": "x"`, `"${field}": "a"`),
      ],
      [
        `${field} as {"${key}": "x"}`,
        'application/json',
        jsonObject(`"${field}": {"${key}": "x"}`),
      ],
      [`${field} in a "${key}" object`, 'application/json', `{"${key}": {"${field}": "a"}}`],
    ]),
  ];
};

interface Row {
  route: string;
  input: string;
  send: (app: TestApp) => Promise<Response>;
}

const withQuery = (route: RouteUnderTest, extra: string) =>
  `${route.path}?${[route.baseQuery, extra].filter(Boolean).join('&')}`;

const rowsFor = (name: string, route: RouteUnderTest): Row[] => {
  const rows: Row[] = [];
  const get = (input: string, url: string) =>
    rows.push({ route: name, input, send: (app) => app.http().get(url) });
  const post = (input: string, contentType: string, raw: string) =>
    rows.push({
      route: name,
      input,
      send: (app) => app.http().post(route.path).set('Content-Type', contentType).send(raw),
    });

  for (const param of route.query ?? []) {
    for (const [label, value] of QUERY_VALUES) {
      // Replaces the base value: the parser keeps the first occurrence otherwise.
      const base = (route.baseQuery ?? '')
        .split('&')
        .filter((pair) => pair && pair.split('=')[0] !== param)
        .join('&');
      get(
        `${param}: ${label}`,
        `${route.path}?${[base, `${param}=${value}`].filter(Boolean).join('&')}`
      );
    }
    for (const [label, shape] of QUERY_SHAPES)
      get(`${param} ${label}`, withQuery(route, shape(param)));
  }
  if (route.query) get('a 20 kB query', withQuery(route, `junk=${'x'.repeat(20_000)}`));
  for (const key of INHERITED_KEYS) {
    if (route.query) get(`a "${key}" parameter`, withQuery(route, `${key}=1`));
  }

  if (route.method === 'POST') {
    for (const field of route.body ?? []) {
      for (const [label, value] of BODY_VALUES) {
        post(
          `${field}: ${label}`,
          'application/json',
          JSON.stringify({ ...route.baseBody, [field]: value })
        );
      }
      post(
        `${field} missing`,
        'application/json',
        JSON.stringify({ ...route.baseBody, [field]: undefined })
      );
    }
    const [firstField] = route.body ?? ['x'];
    for (const [label, contentType, raw] of rawBodies(firstField, route.baseBody ?? {})) {
      post(label, contentType, raw);
    }
    rows.push({ route: name, input: 'no body at all', send: (app) => app.http().post(route.path) });
    // What a confused client does: the body's fields sent as a query.
    for (const [label, value] of QUERY_VALUES.slice(0, 4)) {
      get(`GET instead of POST, query ${label}`, `${route.path}?${firstField}=${value}`);
    }
  }
  return rows;
};

const MATRIX: Row[] = Object.entries(ROUTES).flatMap(([name, route]) => rowsFor(name, route));

const STACK_TRACE = /\n\s+at |node_modules|\.(ts|js):\d+|\/work\/|\/home\/|webpack:/;

/** The safety every answer must have, whatever the route and the input. */
const expectSafeAnswer = (route: RouteUnderTest, response: Response, app: TestApp) => {
  expect(response.status).toBeLessThan(500);
  for (const [header, value] of Object.entries(response.headers)) {
    expect(header).not.toMatch(/injected/i);
    expect(String(value)).not.toMatch(/[\r\n]|injected=/);
  }
  expect(response.text ?? '').not.toMatch(STACK_TRACE);

  if (response.status >= 300 && response.status < 400) {
    expect(route.redirectsTo).toBeDefined();
    const redirectsTo = route.redirectsTo!(app);
    const location: string = response.headers.location;
    expect(location.startsWith(redirectsTo)).toBe(true);
    expect(location).not.toMatch(/[\s<>"'\\]/);
    const target = new URL(location);
    const configured = new URL(redirectsTo);
    expect(`${target.origin}${target.pathname}`).toBe(`${configured.origin}${configured.pathname}`);
    return;
  }
  expect(response.status).toBeGreaterThanOrEqual(400);
  // Node itself refuses oversized headers before Strapi sees the request: no body at all.
  if (response.status === 431) {
    expect(response.text ?? '').toBe('');
    return;
  }
  expect(response.body).toMatchObject({
    data: null,
    error: { status: response.status, name: expect.any(String), message: expect.any(String) },
  });
  if (response.status === 400 && route.badRequestMessages) {
    expect(route.badRequestMessages).toContain(response.body.error.message);
  }
};

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('hostile input', () => {
  it.each(MATRIX.map((row) => [row.route, row.input, row] as const))(
    '%s, %s: a clear 4xx or a redirect to the configured target only',
    async (route, _input, row) => {
      expectSafeAnswer(ROUTES[route], await row.send(app), app);
    }
  );

  it('left no user behind and Strapi still serves sign-ins', async () => {
    expect(await app.strapi.db.query(USER_UID).count()).toBe(0);
    const response = await app
      .http()
      .post(`${PREFIX}/connect`)
      .send({ access_token: app.emulator.issueAccessToken('alice') });
    expect(response.status).toBe(200);
  });
});

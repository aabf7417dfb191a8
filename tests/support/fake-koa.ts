import type { Context } from 'koa';

export interface FakeContext {
  query: Record<string, unknown>;
  request: { body: unknown; headers: Record<string, string>; header: Record<string, string> };
  state: Record<string, unknown>;
  body?: unknown;
  set: jest.Mock;
  redirect: jest.Mock;
  internalServerError: jest.Mock;
  forbidden: jest.Mock;
  cookies: { get: jest.Mock; set: jest.Mock; secure?: boolean };
}

export interface FakeContextInput {
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Cookies the browser sends back, by name. */
  cookies?: Record<string, string>;
}

/** The few parts of a koa context the controllers touch, each call recorded. */
export const createFakeContext = ({
  query = {},
  body,
  headers = {},
  cookies = {},
}: FakeContextInput = {}): FakeContext => ({
  query,
  request: { body, headers, header: headers },
  state: {},
  set: jest.fn(),
  redirect: jest.fn(),
  internalServerError: jest.fn(),
  forbidden: jest.fn(),
  cookies: { get: jest.fn((name: string) => cookies[name]), set: jest.fn() },
});

export const asKoa = (ctx: FakeContext): Context => ctx as unknown as Context;

/** Where the (single) redirect of `ctx` went, parsed. */
export const redirectTarget = (ctx: FakeContext): URL => {
  expect(ctx.redirect).toHaveBeenCalledTimes(1);
  const [location] = ctx.redirect.mock.calls[0] as [string];
  return new URL(location);
};

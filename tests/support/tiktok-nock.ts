import nock from 'nock';
import type {
  TikTokTokenSuccess,
  TikTokUser,
  TikTokUserInfoResponse,
} from '../../server/src/lib/tiktok/types';

/** A made-up TikTok origin: nock answers for it, nothing real is ever contacted. */
export const TIKTOK_BASE_URL = 'https://tiktok.test';
export const TOKEN_PATH = '/v2/oauth/token/';
export const USER_INFO_PATH = '/v2/user/info/';
export const REVOKE_PATH = '/v2/oauth/revoke/';
export const BASIC_FIELDS = 'open_id,union_id,avatar_url,display_name';
export const PROFILE_FIELDS = `${BASIC_FIELDS},username`;

/** Hooks for a file that fakes TikTok: no real network (loopback aside), no interceptor left over. */
export const useNock = (): void => {
  beforeAll(() => {
    // Files share a jest worker: a file without nock must find plain `http` again (see afterAll).
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
};

export const tokenSuccess = (overrides: Partial<TikTokTokenSuccess> = {}): TikTokTokenSuccess => ({
  access_token: 'act.example-access-token',
  expires_in: 86400,
  open_id: 'open-123',
  refresh_token: 'rft.example-refresh-token',
  refresh_expires_in: 31536000,
  scope: 'user.info.basic',
  token_type: 'Bearer',
  ...overrides,
});

export const userInfoBody = (user: TikTokUser): TikTokUserInfoResponse => ({
  data: { user },
  error: { code: 'ok', message: '', log_id: 'log-ok' },
});

export interface RecordedRequest {
  headers: Record<string, string>;
  /** The raw body as sent; `form` is the same body decoded as x-www-form-urlencoded. */
  body: string;
  form: Record<string, string>;
}

export interface ReplyOptions {
  status: number;
  /** Omitted: an empty body. */
  body?: nock.Body;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A form-posted OAuth endpoint of TikTok answering once; every request it receives is recorded. */
const formEndpoint = (path: string, { status, body = '', headers, delayMs = 0 }: ReplyOptions) => {
  const requests: RecordedRequest[] = [];
  const scope = nock(TIKTOK_BASE_URL)
    .post(path)
    .delay(delayMs)
    .reply(
      status,
      function (_uri, requestBody) {
        const raw = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody);
        requests.push({
          headers: { ...this.req.headers },
          body: raw,
          form: Object.fromEntries(new URLSearchParams(raw)),
        });
        return body;
      },
      headers
    );
  return { scope, requests };
};

/** TikTok's token endpoint (codes and refreshes) answering once. */
export const tokenEndpoint = (reply: ReplyOptions) => formEndpoint(TOKEN_PATH, reply);

/** TikTok's revoke endpoint answering once. */
export const revokeEndpoint = (reply: ReplyOptions) => formEndpoint(REVOKE_PATH, reply);

/** TikTok's user-info endpoint answering once, only for this exact token and `fields` list. */
export const userInfoEndpoint = ({
  token,
  fields = BASIC_FIELDS,
  status,
  body = '',
  headers,
  delayMs = 0,
}: ReplyOptions & { token: string; fields?: string }): nock.Scope =>
  nock(TIKTOK_BASE_URL)
    .get(USER_INFO_PATH)
    .query({ fields })
    .matchHeader('authorization', `Bearer ${token}`)
    .delay(delayMs)
    .reply(status, body, headers);

import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import type { CredentialsCheck } from '../../../contracts/credentials';
import { pluginConfig } from '../config/runtime';
import { BASIC_SCOPE, type PluginConfig } from '../config/settings';
import { PLUGIN_ID } from '../constants';
import {
  USER_FIELDS_BY_SCOPE,
  type TikTokOAuthError,
  type TikTokRefreshSuccess,
  type TikTokPerson,
  type TikTokTokenSuccess,
  type TikTokUser,
  type TikTokUserInfoResponse,
} from '../lib/tiktok/types';
import { MESSAGES } from '../messages';
import { rateLimits } from '../rate-limit/budget';
import { tikTokRateLimited } from '../rate-limit/refusals';

const TOKEN_PATH = '/v2/oauth/token/';
const REVOKE_PATH = '/v2/oauth/revoke/';
const USER_INFO_PATH = '/v2/user/info/';

/**
 * TikTok's OAuth error code (`invalid_grant`, …) behind a refused refresh or revoke, carried in
 * the error's details: `invalid_grant` means the refresh token will never work again.
 */
export const tikTokOAuthErrorOf = (error: unknown): string | undefined => {
  if (!(error instanceof errors.ApplicationError)) return undefined;
  const details: unknown = error.details;
  return isObject(details) && typeof details.tiktokError === 'string'
    ? details.tiktokError
    : undefined;
};

// One bounded pool per plugin instance: connections to TikTok are reused between sign-ins
// instead of paying a TLS handshake each time, and a flood cannot open unbounded sockets.
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16 };

// Never a real code: TikTok's codes are opaque, but none carries this marker.
const CREDENTIALS_CHECK_CODE = 'tiktok-auth-mobile-credentials-check';

/** Reads the answer of a token request made with an impossible code. */
const credentialsVerdict = (status: number, body: unknown): CredentialsCheck => {
  const error = isObject(body) && typeof body.error === 'string' ? body.error : undefined;
  const logId = isObject(body) && typeof body.log_id === 'string' ? body.log_id : undefined;
  if (error === 'invalid_client' || status === 401) {
    return { outcome: 'rejected', detail: error ?? `HTTP ${status}`, logId };
  }
  if (error === 'invalid_grant' || error === 'invalid_request') {
    return { outcome: 'accepted', detail: error, logId };
  }
  return { outcome: 'unknown', detail: error ?? `HTTP ${status}`, logId };
};

export interface CodeExchange {
  code: string;
  redirectUri: string;
  codeVerifier?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The part of an axios/network failure that is safe and useful to show: never a URL or token. */
const failureReason = (error: unknown): string => {
  if (axios.isAxiosError(error)) {
    const body: unknown = error.response?.data;
    if (isObject(body) && typeof body.error_description === 'string' && body.error_description) {
      return body.error_description;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
};

/** TikTok answers 401 `scope_not_authorized` when a field needs a scope the person did not grant. */
const refusedForScope = (error: unknown): boolean => {
  if (!axios.isAxiosError(error)) return false;
  const body: unknown = error.response?.data;
  return isObject(body) && isObject(body.error) && body.error.code === 'scope_not_authorized';
};

/**
 * The connection broke before any answer: typically a pooled connection that TikTok closed while
 * it sat idle, reused at that very moment. A read (user-info) can safely be sent once more.
 */
const droppedBeforeAnswer = (error: unknown): boolean =>
  axios.isAxiosError(error) &&
  !error.response &&
  (error.code === 'ECONNRESET' || error.code === 'EPIPE');

// TikTok's 429 without a usable Retry-After: a short pause; and never longer than an hour.
const DEFAULT_PAUSE_MS = 60_000;
const MAX_PAUSE_MS = 3_600_000;

/** How long TikTok asks the app to wait: its Retry-After (seconds or a date), else the default. */
export const pauseFromRetryAfter = (header: unknown, now = Date.now()): number => {
  const value = typeof header === 'string' ? header.trim() : '';
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return DEFAULT_PAUSE_MS;
  return Math.min(Math.max(ms, 1000), MAX_PAUSE_MS);
};

/**
 * TikTok's "rate_limit_exceeded", as an HTTP 429 or in the body (both error formats): how long
 * to pause, or undefined when the answer is something else.
 */
const rateLimitPause = (status: number | undefined, body: unknown, retryAfter: unknown) => {
  const code = isObject(body) ? (isObject(body.error) ? body.error.code : body.error) : undefined;
  if (status !== 429 && code !== 'rate_limit_exceeded') return undefined;
  return pauseFromRetryAfter(retryAfter);
};

/** Fields to ask user-info for: only those the scopes allow, as TikTok fails the whole call otherwise. */
export const userInfoFields = (scopes: readonly string[]): string[] => {
  const granted = scopes.includes(BASIC_SCOPE) ? scopes : [BASIC_SCOPE, ...scopes];
  return granted.flatMap((scope) => USER_FIELDS_BY_SCOPE[scope] ?? []);
};

/**
 * Runs `call` with a signal that aborts it `timeoutMs` after the start, whatever stage it is at:
 * axios's own `timeout` only bounds the wait for each chunk, so a body sent a byte at a time
 * would never end. One deadline covers a whole operation, retries and fallbacks included.
 */
export const withDeadline = async <T>(
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>
): Promise<T> => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await call(controller.signal);
  } catch (error) {
    // axios reports an abort as "canceled": say what happened instead. No `cause`: axios errors
    // carry the request, access token included, into whatever logs this one.
    // eslint-disable-next-line preserve-caught-error
    if (controller.signal.aborted) throw new Error(`timeout of ${timeoutMs}ms exceeded`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
};

const createHttpClient = (
  config: PluginConfig,
  agents: { http: http.Agent; https: https.Agent }
): AxiosInstance =>
  axios.create({
    baseURL: config.apiBaseUrl,
    httpAgent: agents.http,
    httpsAgent: agents.https,
    maxRedirects: 0,
    maxContentLength: 1024 * 1024,
  });

const tiktok = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = pluginConfig(strapi).get();
  const limits = () => rateLimits(strapi);

  /** Refuses at once while TikTok's pause on `endpoint` lasts, on any instance. */
  const ensureNotPaused = async (endpoint: string) => {
    const left = await limits().tikTokPause(endpoint);
    if (left > 0) throw tikTokRateLimited(left);
  };

  /**
   * When TikTok answered "rate_limit_exceeded", pauses `endpoint` for the window it asks for and
   * refuses; any other answer goes on.
   */
  const pauseIfRateLimited = async (
    endpoint: string,
    answer: { status?: number; data?: unknown; headers?: Record<string, unknown> } | undefined
  ) => {
    const pause =
      answer && rateLimitPause(answer.status, answer.data, answer.headers?.['retry-after']);
    if (pause === undefined) return;
    strapi.log.warn(
      `[${PLUGIN_ID}] TikTok answered rate_limit_exceeded at ${endpoint}: no call to it for ${Math.ceil(pause / 1000)} s`
    );
    await limits().pauseTikTok(endpoint, pause);
    throw tikTokRateLimited(pause);
  };

  /** The answer inside an axios failure, if TikTok sent one. */
  const answerOf = (error: unknown) => (axios.isAxiosError(error) ? error.response : undefined);
  const agents = { http: new http.Agent(AGENT_OPTIONS), https: new https.Agent(AGENT_OPTIONS) };
  // For the one resend after a pooled connection dropped: a connection of its own, as the pool
  // may hold more sockets TikTok closed at the same moment.
  const freshConnection = {
    httpAgent: new http.Agent({ keepAlive: false }),
    httpsAgent: new https.Agent({ keepAlive: false }),
  };
  const client = createHttpClient(config, agents);
  const fieldsParam = userInfoFields(config.scopes).join(',');
  const basicFieldsParam = userInfoFields([BASIC_SCOPE]).join(',');

  const deadline = <T>(call: (signal: AbortSignal) => Promise<T>) =>
    withDeadline(config.timeoutMs, call);

  const requestUser = async (
    accessToken: string,
    fields: string,
    signal: AbortSignal
  ): Promise<TikTokUserInfoResponse> => {
    const get = (connection?: typeof freshConnection) =>
      client.get<unknown>(USER_INFO_PATH, {
        params: { fields },
        headers: { Authorization: `Bearer ${accessToken}` },
        signal,
        ...connection,
      });
    const response = await get().catch((error: unknown) => {
      if (droppedBeforeAnswer(error)) return get(freshConnection);
      throw error;
    });
    if (!isObject(response.data)) throw new Error('TikTok sent an unreadable answer');
    return response.data;
  };

  const postForm = (path: string, form: URLSearchParams) =>
    deadline((signal) =>
      client.post<unknown>(path, form.toString(), {
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Cache-Control': 'no-cache',
        },
        signal,
      })
    );
  const postToken = (form: URLSearchParams) => postForm(TOKEN_PATH, form);

  const clientForm = (fields: Record<string, string>) =>
    new URLSearchParams({
      client_key: config.clientKey ?? '',
      client_secret: config.clientSecret ?? '',
      ...fields,
    });

  /**
   * One call to an OAuth endpoint (token or revoke) with TikTok's rules: refused at once while
   * TikTok's pause lasts, paused when it answers rate_limit_exceeded, and its OAuth error body
   * (sent with HTTP 200 at times) turned into `fail(reason, code)`. The body of a success.
   */
  const oauthCall = async (
    path: string,
    form: URLSearchParams,
    fail: (reason: string, tikTokError?: string) => Error
  ): Promise<unknown> => {
    await ensureNotPaused(path);
    let body: unknown;
    try {
      const response = await postForm(path, form);
      await pauseIfRateLimited(path, response);
      body = response.data;
    } catch (error) {
      if (error instanceof errors.RateLimitError) throw error;
      await pauseIfRateLimited(path, answerOf(error));
      const answer = answerOf(error)?.data;
      const code = isObject(answer) && typeof answer.error === 'string' ? answer.error : undefined;
      throw fail(failureReason(error), code);
    }
    if (isObject(body) && typeof body.error === 'string' && body.error) {
      const failure = body as unknown as TikTokOAuthError;
      strapi.log.warn(
        `[${PLUGIN_ID}] ${path} refused: ${failure.error} (log_id ${failure.log_id ?? 'none'})`
      );
      throw fail(failure.error_description || failure.error, failure.error);
    }
    return body;
  };

  /** An ApplicationError whose details carry TikTok's OAuth error code (see tikTokOAuthErrorOf). */
  const oauthFailure =
    (message: (reason: string) => string) => (reason: string, tikTokError?: string) =>
      new errors.ApplicationError(message(reason), tikTokError ? { tiktokError: tikTokError } : {});

  const tokenForm = (code: string, redirectUri: string) =>
    clientForm({ code, grant_type: 'authorization_code', redirect_uri: redirectUri });

  const service = {
    /** Trades an authorization code for TikTok tokens (`POST /v2/oauth/token/`). */
    async exchangeCode({
      code,
      redirectUri,
      codeVerifier,
    }: CodeExchange): Promise<TikTokTokenSuccess> {
      const form = tokenForm(code, redirectUri);
      if (codeVerifier) form.set('code_verifier', codeVerifier);
      const fail = (reason: string) =>
        new errors.ApplicationError(MESSAGES.tokenExchangeFailed(reason));
      const body = await oauthCall(TOKEN_PATH, form, fail);
      if (!isObject(body)) throw fail('TikTok sent an unreadable answer');
      if (typeof body.access_token !== 'string' || !body.access_token) {
        throw fail('TikTok sent no access token');
      }
      return body as unknown as TikTokTokenSuccess;
    },

    /**
     * New tokens for a refresh token (`grant_type=refresh_token`). Keep the answer's refresh
     * token: TikTok may have rotated it and retired the one sent. A refused one fails with
     * TikTok's code in the details (`tikTokOAuthErrorOf(error) === 'invalid_grant'`).
     */
    async refreshToken(refreshToken: string): Promise<TikTokRefreshSuccess> {
      const fail = oauthFailure(MESSAGES.tokenRefreshFailed);
      const body = await oauthCall(
        TOKEN_PATH,
        clientForm({ grant_type: 'refresh_token', refresh_token: refreshToken }),
        fail
      );
      const complete =
        isObject(body) &&
        typeof body.access_token === 'string' &&
        body.access_token !== '' &&
        typeof body.refresh_token === 'string' &&
        body.refresh_token !== '' &&
        Number.isFinite(body.expires_in) &&
        Number.isFinite(body.refresh_expires_in);
      if (!complete) throw fail('TikTok sent an incomplete answer');
      return body as unknown as TikTokRefreshSuccess;
    },

    /**
     * Ends the person's authorization of the app at TikTok (`POST /v2/oauth/revoke/`): the
     * access token and its refresh token stop working, and the app leaves the person's connected
     * apps in TikTok.
     */
    async revokeToken(accessToken: string): Promise<void> {
      await oauthCall(
        REVOKE_PATH,
        clientForm({ token: accessToken }),
        oauthFailure(MESSAGES.tokenRevokeFailed)
      );
    },

    /**
     * Reads the person behind an access token (`GET /v2/user/info/`): the only way TikTok offers
     * to check a token. When the token lacks a configured extra scope, the basic fields suffice.
     * `scopes` is what the person granted: TikTok's own list when the caller has it (a code
     * exchange answers it), else the scopes whose fields were read.
     */
    async readPerson(accessToken: string, grantedScopes?: string): Promise<TikTokPerson> {
      await ensureNotPaused(USER_INFO_PATH);
      let answer: TikTokUserInfoResponse;
      let scopes = config.scopes;
      try {
        answer = await deadline((signal) =>
          requestUser(accessToken, fieldsParam, signal).catch((error: unknown) => {
            if (fieldsParam !== basicFieldsParam && refusedForScope(error)) {
              scopes = [BASIC_SCOPE];
              return requestUser(accessToken, basicFieldsParam, signal);
            }
            throw error;
          })
        );
      } catch (error) {
        await pauseIfRateLimited(USER_INFO_PATH, answerOf(error));
        throw new errors.ApplicationError(MESSAGES.fetchUserFailed(failureReason(error)));
      }

      await pauseIfRateLimited(USER_INFO_PATH, { data: answer });
      const apiError = answer.error;
      if (apiError && apiError.code !== 'ok') {
        strapi.log.warn(
          `[${PLUGIN_ID}] user info refused: ${apiError.code} (log_id ${apiError.log_id ?? 'none'})`
        );
        throw new errors.ApplicationError(apiError.message || apiError.code);
      }
      const user = answer.data?.user;
      if (!isObject(user) || Object.keys(user).length === 0) {
        throw new errors.ApplicationError(MESSAGES.userDoesNotExist);
      }
      const granted = grantedScopes
        ?.split(',')
        .map((scope) => scope.trim())
        .filter(Boolean);
      return { profile: user, scopes: granted?.length ? granted : [...scopes] };
    },

    /** The profile alone of `readPerson`. */
    async fetchUser(accessToken: string): Promise<TikTokUser> {
      return (await service.readPerson(accessToken)).profile;
    },

    /**
     * Asks TikTok whether it knows the client key and secret, by redeeming a code that cannot
     * exist at the token endpoint: no person, token or quota of user-info is involved.
     */
    async checkCredentials(redirectUri: string): Promise<CredentialsCheck> {
      let verdict: CredentialsCheck;
      try {
        const response = await postToken(tokenForm(CREDENTIALS_CHECK_CODE, redirectUri));
        verdict = credentialsVerdict(response.status, response.data);
      } catch (error) {
        verdict =
          axios.isAxiosError(error) && error.response
            ? credentialsVerdict(error.response.status, error.response.data)
            : { outcome: 'unknown', detail: failureReason(error) };
      }
      strapi.log.info(
        `[${PLUGIN_ID}] credentials check: ${verdict.outcome} (${verdict.detail}, log_id ${verdict.logId ?? 'none'})`
      );
      return verdict;
    },

    /** Closes the pooled connections, so that a stopping Strapi does not wait on idle sockets. */
    close(): void {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
  return service;
};

export default tiktok;

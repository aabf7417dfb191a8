import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { pluginConfig } from '../config/runtime';
import { BASIC_SCOPE } from '../config/settings';
import { PLUGIN_ID } from '../constants';
import { sameState } from '../lib/crypto/sealing';
import { appRedirectUrl } from '../lib/http/redirect';
import { challengeFor, createState, createVerifier } from '../lib/oauth/pkce';
import { MESSAGES } from '../messages';
import { RATE_LIMITED } from '../middlewares/rate-limit-guard';
import { retryAfterOf } from '../rate-limit/refusals';
import { getService } from '../services/get-service';
import { flowCookie } from './flow-cookie';
import { routeGuards } from './guards';
import {
  readAccessToken,
  readAppState,
  readCallbackQuery,
  readDeviceId,
  readTokenRequest,
  type CallbackQuery,
} from './validation';

// A TikTok error description is shown to the app as is, but never at any length.
const MAX_DESCRIPTION_LENGTH = 500;

type AppParams = Record<string, string | undefined>;

const auth = ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => pluginConfig(strapi);

  const { isOn, ensureConfigured, ensureFlow, checkRedirectUri } = routeGuards(strapi);

  /**
   * Why a callback that brought no flow cookie (Flow A) is refused, if it is: Flow A turned off,
   * or `redirectWith: 'strapi_jwt'`, where a cookieless callback would be a login CSRF (whoever
   * made the link would hand their own Strapi session to the app of whoever opens it).
   */
  const cookielessRefusal = (): string | undefined => {
    if (!isOn('connect')) return MESSAGES.flowDisabled('connect');
    if (settings().get().redirectWith === 'strapi_jwt') return MESSAGES.flowNotStarted;
    return undefined;
  };

  /** What a successful callback hands the app: TikTok's token (Flow A) or a Strapi session. */
  const credentialsForApp = async (
    ctx: Context,
    code: string,
    codeVerifier: string | undefined
  ): Promise<AppParams> => {
    const exchange = { code, codeVerifier, redirectUri: settings().callbackUrl()! };
    if (settings().get().redirectWith === 'strapi_jwt') {
      const session = await getService(strapi, 'login').withCode(exchange, ctx);
      return { jwt: session.jwt, refreshToken: session.refreshToken };
    }
    const token = await getService(strapi, 'tiktok').exchangeCode(exchange);
    return { access_token: token.access_token };
  };

  /**
   * The outcome of TikTok's redirect, as parameters for the app. With a Flow B cookie, the
   * state must match before anything else happens, and the app gets back its own state.
   */
  const callbackOutcome = async (
    ctx: Context,
    query: CallbackQuery | undefined
  ): Promise<AppParams> => {
    const started = flowCookie(strapi).take(ctx);
    if (started && !isOn('authorize')) return { error: MESSAGES.flowDisabled('authorize') };
    if (started && !started.flow) return { error: MESSAGES.flowExpired };
    const refusal = started ? undefined : cookielessRefusal();
    if (refusal) return { error: refusal };
    const flow = started?.flow;
    const state = flow ? flow.appState : query?.state;

    // Over its budget: the rate-limit middleware let it through only to be redirected.
    if (ctx.state[RATE_LIMITED]) return { error: MESSAGES.tooManyRequests, state };
    if (!query) return { error: MESSAGES.invalidCallback, state };
    if (flow && !sameState(flow.state, query.state)) {
      return { error: MESSAGES.stateMismatch, state };
    }
    if (query.error) {
      const description = query.error_description?.slice(0, MAX_DESCRIPTION_LENGTH);
      return { error: query.error, error_description: description, state };
    }
    if (!query.code) return { error: MESSAGES.noCode, state };
    const scopes = (query.scopes ?? '').split(',').map((scope) => scope.trim());
    if (!scopes.includes(BASIC_SCOPE)) return { error: MESSAGES.missingScopes, state };

    try {
      return { ...(await credentialsForApp(ctx, query.code, flow?.verifier)), state };
    } catch (error) {
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== undefined) ctx.set('Retry-After', String(retryAfter));
      if (error instanceof errors.ApplicationError) return { error: error.message, state };
      strapi.log.error(
        `[${PLUGIN_ID}] callback failed: ${error instanceof Error ? error.message : 'unknown error'}`
      );
      return { error: MESSAGES.tokenExchangeFailed('unexpected error'), state };
    }
  };

  return {
    /** `GET /authorize` (Flow B): sends the browser to TikTok with PKCE and a sealed state cookie. */
    async authorize(ctx: Context) {
      if (!ensureFlow(ctx, 'authorize') || !ensureConfigured(ctx)) return;
      const config = settings().get();
      const appState = readAppState(ctx.query);
      const verifier = createVerifier();
      const state = createState();
      flowCookie(strapi).start(ctx, { state, verifier, appState });

      const target = new URL(config.authorizeUrl);
      target.searchParams.set('client_key', config.clientKey!);
      target.searchParams.set('scope', config.scopes.join(','));
      target.searchParams.set('response_type', 'code');
      target.searchParams.set('redirect_uri', settings().callbackUrl()!);
      target.searchParams.set('state', state);
      target.searchParams.set('code_challenge', challengeFor(verifier));
      target.searchParams.set('code_challenge_method', 'S256');
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(target.toString());
    },

    /** `GET /callback`: TikTok's redirect after login; answers with a redirect to the app. */
    async callback(ctx: Context) {
      if (!ensureConfigured(ctx)) return;
      const config = settings().get();
      const params = await callbackOutcome(ctx, readCallbackQuery(ctx.query));
      // Tokens travel in the URL: keep them out of caches and of the next page's Referer.
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.redirect(appRedirectUrl(config.redirectAppUrl!, params, config.tokenDelivery));
    },

    /** `POST /connect` (Flow A): a TikTok access token in, a Strapi session out. */
    async connect(ctx: Context) {
      if (!ensureFlow(ctx, 'connect') || !ensureConfigured(ctx)) return;
      const accessToken = readAccessToken(ctx.request.body);
      ctx.body = await getService(strapi, 'login').withAccessToken(
        accessToken,
        ctx,
        readDeviceId(ctx.request.body)
      );
    },

    /** `POST /token` (Flow C): the SDK's code and verifier in, a Strapi session out. */
    async token(ctx: Context) {
      if (!ensureFlow(ctx, 'token') || !ensureConfigured(ctx)) return;
      const request = readTokenRequest(ctx.request.body);
      checkRedirectUri(request.redirectUri);
      ctx.body = await getService(strapi, 'login').withCode(
        request,
        ctx,
        readDeviceId(ctx.request.body)
      );
    },
  };
};

export default auth;

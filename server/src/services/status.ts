import type { Core } from '@strapi/strapi';
import type { FlowStatus, StatusReport } from '../../../contracts/status';
import { describeSettings } from '../config/report';
import { pluginConfig } from '../config/runtime';
import { SETTINGS, type Flow } from '../config/settings';
import {
  CORE_STORE_UID,
  IDENTITY_UID,
  LAST_SIGN_IN_KEY,
  PLUGIN_CONFIG_KEY,
  PLUGIN_ID,
  PROVIDER,
  ROUTES,
  TOKENS_EXPIRING_WITHIN_MS,
  USER_UID,
} from '../constants';
import { userInfoFields } from './tiktok';

const STATE_KEY_NEEDED = `${SETTINGS.stateSecret.env} or APP_KEYS`;

const FLOW_ROUTES: Readonly<Record<FlowStatus['id'], readonly [string, string][]>> = {
  A: [
    ['GET', ROUTES.callback],
    ['POST', ROUTES.connect],
  ],
  B: [
    ['GET', ROUTES.authorize],
    ['GET', ROUTES.callback],
  ],
  C: [['POST', ROUTES.token]],
};

// The `flows` name of each flow the page shows.
const FLOW_NAMES: Readonly<Record<FlowStatus['id'], Flow>> = {
  A: 'connect',
  B: 'authorize',
  C: 'token',
};

const RECORD_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

/** What the admin settings page shows: configuration health and TikTok sign-in activity. */
const status = ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => strapi.db.query(CORE_STORE_UID);
  let lastRecordedAt = Number.NEGATIVE_INFINITY;

  const lastSignInAt = async (): Promise<string | null> => {
    const rows = (await store().findMany({ where: { key: LAST_SIGN_IN_KEY } })) as {
      value: string;
    }[];
    // Simultaneous first sign-ins may each create the row; every copy is kept current, read the newest.
    const times = rows.map((row) => JSON.parse(row.value) as string).sort();
    return times[times.length - 1] ?? null;
  };

  /** The token vault in aggregate: counts only, never a value. */
  const tokenCounts = async (): Promise<StatusReport['tokens']> => {
    const rows = strapi.db.query(IDENTITY_UID);
    const soon = new Date(Date.now() + TOKENS_EXPIRING_WITHIN_MS);
    const [stored, expiring, unusable, disconnected] = await Promise.all([
      rows.count({ where: { tokenState: 'stored' } }),
      rows.count({
        where: {
          tokenState: 'stored',
          $or: [
            { refreshExpiresAt: { $lt: soon } },
            { refreshToken: null, accessExpiresAt: { $lt: soon } },
          ],
        },
      }),
      rows.count({ where: { tokenState: 'unusable' } }),
      rows.count({ where: { disconnectedAt: { $notNull: true } } }),
    ]);
    return {
      storeTokens: pluginConfig(strapi).get().storeTokens,
      stored,
      expiring,
      expiringWithinDays: TOKENS_EXPIRING_WITHIN_MS / DAY_MS,
      unusable,
      disconnected,
    };
  };

  return {
    async report(): Promise<StatusReport> {
      const config = pluginConfig(strapi);
      const parsed = config.get();
      const callbackUrl = config.callbackUrl();
      const missing = config.missing();
      const rows = strapi.db.query(IDENTITY_UID);
      const [total, linked, tiktokUsers, lastSignIn, tokens] = await Promise.all([
        rows.count({ where: { userId: { $notNull: true } } }),
        rows.count({ where: { userId: { $notNull: true }, origin: 'link' } }),
        strapi.db.query(USER_UID).count({ where: { provider: PROVIDER } }),
        lastSignInAt(),
        tokenCounts(),
      ]);

      return {
        settings: describeSettings(
          strapi.config.get(PLUGIN_CONFIG_KEY),
          process.env,
          parsed,
          callbackUrl
        ),
        missing,
        redirectUri: callbackUrl ?? null,
        webhookUrl: config.webhookUrl() ?? null,
        tokenRedirectUris: [...config.allowedRedirectUris()],
        scopes: parsed.scopes,
        userInfoFields: userInfoFields(parsed.scopes),
        flows: (Object.keys(FLOW_ROUTES) as FlowStatus['id'][]).map((id) => {
          // Every flow needs the four required settings and to be on; Flow B also a key for its
          // state cookie.
          const needs: string[] = [...missing];
          if (!parsed.flows.includes(FLOW_NAMES[id])) {
            needs.push(`${FLOW_NAMES[id]} in ${SETTINGS.flows.env}`);
          }
          if (id === 'B' && config.stateSecrets().length === 0) needs.push(STATE_KEY_NEEDED);
          return {
            id,
            routes: FLOW_ROUTES[id].map(
              ([method, path]) => `${method} ${config.routeBase()}${path}`
            ),
            available: needs.length === 0,
            needs,
          };
        }),
        users: {
          identities: { total, signUp: total - linked, linked },
          tiktokUsers,
          lastSignInAt: lastSignIn,
        },
        tokens,
      };
    },

    /**
     * Records that a Strapi session was just issued to a TikTok user, at most once a minute per
     * process: the page shows minutes, and a write on every sign-in would cost the hot path a
     * query and drop every cached core-store read. Best effort: a failure here must never cost
     * the person their sign-in.
     */
    async recordSignIn(at: Date = new Date()): Promise<void> {
      if (at.getTime() - lastRecordedAt < RECORD_INTERVAL_MS) return;
      lastRecordedAt = at.getTime();
      const value = JSON.stringify(at.toISOString());
      try {
        const { count } = await store().updateMany({
          where: { key: LAST_SIGN_IN_KEY },
          data: { value },
        });
        if (count === 0) {
          await store().create({ data: { key: LAST_SIGN_IN_KEY, value, type: 'string' } });
        }
      } catch (error) {
        strapi.log.warn(
          `[${PLUGIN_ID}] could not record the sign-in time: ${error instanceof Error ? error.message : String(error)}`
        );
      }
    },
  };
};

export default status;

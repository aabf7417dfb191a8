import type { Core } from '@strapi/strapi';
import type { IdentityView } from '../../contracts/identity';
import { EVENTS, PLUGIN_ID } from './constants';

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];

/**
 * What every event carries: the user's ids and the identity as `GET /me` shows it, without the
 * token state. Built from the identity view, which holds no token, so no path can add one.
 */
export interface EventPayload {
  user: { id: number; documentId?: string };
  identity: Omit<IdentityView, 'tokens'> | null;
}

/**
 * Registers the events with Strapi's webhook store, so that a webhook may subscribe to them
 * (the store refuses events it does not know), and Strapi's webhook runner delivers them.
 */
export const registerWebhookEvents = (strapi: Core.Strapi): void => {
  const store = strapi.get<{ addAllowedEvent: (key: string, value: string) => void }>(
    'webhookStore'
  );
  for (const [key, name] of Object.entries(EVENTS)) {
    store.addAllowedEvent(`${PLUGIN_ID.toUpperCase().replace(/-/g, '_')}_${key}`, name);
  }
};

/** Emits `name` on Strapi's event hub; a listener that fails never fails the request. */
export const emitEvent = (
  strapi: Core.Strapi,
  name: EventName,
  user: { id: number; documentId?: string },
  identity: IdentityView | null
): void => {
  const payload: EventPayload = {
    user: { id: user.id, documentId: user.documentId },
    identity: identity && withoutTokens(identity),
  };
  strapi.eventHub.emit(name, payload).catch((error: unknown) => {
    strapi.log.warn(
      `[${PLUGIN_ID}] a listener of ${name} failed: ${error instanceof Error ? error.message : String(error)}`
    );
  });
};

const withoutTokens = (identity: IdentityView): EventPayload['identity'] => {
  const shown: Partial<IdentityView> = { ...identity };
  delete shown.tokens;
  return shown as EventPayload['identity'];
};

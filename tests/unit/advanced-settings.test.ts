import type { Core } from '@strapi/strapi';
import advancedSettings, {
  ADVANCED_SETTINGS_TTL_MS,
} from '../../server/src/services/advanced-settings';

type Subscriber = Record<string, unknown> & { models: string[] };

/** A strapi with just a core store (that can fail) and the database lifecycle hooks. */
const setup = (initial: Record<string, unknown>) => {
  const state = { stored: initial, reads: 0, failNext: false };
  const subscribers: Subscriber[] = [];
  const strapi = {
    store: ({ type, name, key }: { type: string; name: string; key: string }) => ({
      get: async () => {
        expect({ type, name, key }).toEqual({
          type: 'plugin',
          name: 'users-permissions',
          key: 'advanced',
        });
        state.reads += 1;
        if (state.failNext) {
          state.failNext = false;
          throw new Error('database unavailable');
        }
        return state.stored;
      },
    }),
    db: { lifecycles: { subscribe: (subscriber: Subscriber) => subscribers.push(subscriber) } },
  } as unknown as Core.Strapi;
  const service = advancedSettings({ strapi });
  /** What the database layer does after a write to a model in this process. */
  const written = (uid: string, action: string, event?: object) => {
    for (const subscriber of subscribers) {
      if (subscriber.models.includes(uid))
        (subscriber[action] as (event?: object) => void)?.(event);
    }
  };
  return { state, service, written };
};

describe('advanced settings cache', () => {
  let now = 1_000_000;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads the store once for many calls, concurrent ones included', async () => {
    const { state, service } = setup({ allow_register: true });
    const answers = await Promise.all([service.get(), service.get(), service.get()]);
    await service.get();
    expect(answers).toEqual([
      { allow_register: true },
      { allow_register: true },
      { allow_register: true },
    ]);
    expect(state.reads).toBe(1);
  });

  it('treats a store without the key as no settings', async () => {
    const { service } = setup(undefined as unknown as Record<string, unknown>);
    await expect(service.get()).resolves.toEqual({});
  });

  it.each(['afterCreate', 'afterUpdate', 'afterDelete', 'afterUpdateMany'])(
    'sees a change made in this process at once (%s on the core store)',
    async (action) => {
      const { state, service, written } = setup({ allow_register: true });
      await service.get();
      state.stored = { allow_register: false };
      written('strapi::core-store', action);
      await expect(service.get()).resolves.toEqual({ allow_register: false });
      expect(state.reads).toBe(2);
    }
  );

  it.each([
    ['store().set() updating the row', { result: { key: 'plugin_users-permissions_advanced' } }],
    ['a create naming the key', { params: { data: { key: 'plugin_users-permissions_advanced' } } }],
  ])('sees a write of the advanced settings row (%s)', async (_case, event) => {
    const { state, service, written } = setup({ allow_register: true });
    await service.get();
    written('strapi::core-store', 'afterUpdate', event);
    await service.get();
    expect(state.reads).toBe(2);
  });

  it.each([
    ['an update of another row', { result: { key: 'plugin_tiktok-auth-mobile_last-sign-in' } }],
    ['an updateMany of another key', { params: { where: { key: 'plugin_i18n_default' } } }],
  ])('keeps its copy on %s of the core store', async (_case, event) => {
    const { state, service, written } = setup({ allow_register: true });
    await service.get();
    written('strapi::core-store', 'afterUpdateMany', event);
    await service.get();
    expect(state.reads).toBe(1);
  });

  it('ignores writes to other models', async () => {
    const { state, service, written } = setup({ allow_register: true });
    await service.get();
    written('plugin::users-permissions.user', 'afterCreate');
    await service.get();
    expect(state.reads).toBe(1);
  });

  it('sees a change made by another process once the TTL has passed', async () => {
    const { state, service } = setup({ unique_email: true });
    await service.get();
    state.stored = { unique_email: false };
    now += ADVANCED_SETTINGS_TTL_MS - 1;
    await expect(service.get()).resolves.toEqual({ unique_email: true });
    now += 1;
    await expect(service.get()).resolves.toEqual({ unique_email: false });
  });

  it('does not keep a failed read', async () => {
    const { state, service } = setup({ allow_register: true });
    state.failNext = true;
    await expect(service.get()).rejects.toThrow('database unavailable');
    await expect(service.get()).resolves.toEqual({ allow_register: true });
    expect(state.reads).toBe(2);
  });
});

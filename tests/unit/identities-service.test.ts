import { errors } from '@strapi/utils';
import { EVENTS, IDENTITY_UID, ROLE_UID, USER_UID } from '../../server/src/constants';
import type { TikTokPerson, TikTokUser } from '../../server/src/lib/tiktok/types';
import { LinkConflictError } from '../../server/src/services/accounts';
import { rejectionOf } from '../support/errors';
import { createFakeStrapi } from '../support/fake-strapi';

const OPEN = { allow_register: true, unique_email: true, default_role: 'authenticated' };

const setup = (pluginConfig: Record<string, unknown> = {}) => {
  const fake = createFakeStrapi({ advanced: OPEN, pluginConfig });
  fake.db.seed(ROLE_UID, [{ id: 7, type: 'authenticated' }]);
  return {
    fake,
    accounts: fake.service('accounts'),
    identities: fake.service('identities'),
    rows: () => fake.db.rows(IDENTITY_UID),
    addUser: (data: Record<string, unknown>) => fake.db.seed(USER_UID, [data])[0],
    events: () =>
      (fake.strapi.eventHub.emit as jest.Mock).mock.calls.map(([name, payload]) => ({
        name,
        payload,
      })),
  };
};

const person = (profile: TikTokUser = {}, scopes = ['user.info.basic']): TikTokPerson => ({
  profile: {
    open_id: 'Open-ABC',
    union_id: 'Union-XYZ',
    display_name: 'Alice',
    avatar_url: 'https://a.example/1.jpeg',
    ...profile,
  },
  scopes,
});

const localUser = { username: 'local', email: 'local@example.com', provider: 'local' };

describe('identities: resolving a person', () => {
  it('finds the row by open_id before union_id', async () => {
    const { identities, fake, addUser } = setup();
    const [byUnion, byOpen] = [addUser({ ...localUser }), addUser({ ...localUser })];
    fake.db.seed(IDENTITY_UID, [
      { pseudoEmail: 'x@tiktok.com', unionId: 'Union-XYZ', userId: byUnion.id },
      { pseudoEmail: 'y@tiktok.com', openId: 'Open-ABC', userId: byOpen.id },
    ]);
    const resolved = await identities.resolve(person(), 'union-xyz@tiktok.com');
    expect(resolved?.user.id).toBe(byOpen.id);
  });

  it('compares ids exactly: another case is another person', async () => {
    const { identities, fake, addUser } = setup();
    const user = addUser({ ...localUser });
    fake.db.seed(IDENTITY_UID, [
      {
        pseudoEmail: 'other@tiktok.com',
        openId: 'open-abc',
        unionId: 'union-xyz',
        userId: user.id,
      },
    ]);
    await expect(identities.resolve(person(), 'union-xyz@tiktok.com')).resolves.toBeNull();
  });

  it('takes a row without ids by its pseudo-email, unless it names another person', async () => {
    const { identities, fake, addUser } = setup();
    const user = addUser({ ...localUser });
    fake.db.seed(IDENTITY_UID, [{ pseudoEmail: 'union-xyz@tiktok.com', userId: user.id }]);
    await expect(identities.resolve(person(), 'union-xyz@tiktok.com')).resolves.toMatchObject({
      user: { id: user.id },
    });
    await expect(
      identities.resolve(
        person({ open_id: 'Other', union_id: 'UNION-xyz' }),
        'union-xyz@tiktok.com'
      )
    ).resolves.toMatchObject({ user: { id: user.id } });

    fake.db.rows(IDENTITY_UID)[0].unionId = 'union-XYZ';
    await expect(
      identities.resolve(person({ open_id: 'Other' }), 'union-xyz@tiktok.com')
    ).resolves.toBeNull();
  });

  it("gives a user of the original plugin its row, with the person's ids", async () => {
    const { identities, rows, addUser } = setup();
    const legacy = addUser({ username: 'old', email: 'union-xyz@tiktok.com', provider: 'tiktok' });
    const resolved = await identities.resolve(person(), 'union-xyz@tiktok.com');
    expect(resolved?.user.id).toBe(legacy.id);
    expect(rows()).toEqual([
      expect.objectContaining({
        userId: legacy.id,
        origin: 'signup',
        openId: 'Open-ABC',
        unionId: 'Union-XYZ',
        displayName: 'Alice',
      }),
    ]);
  });

  it('drops a row whose user was deleted', async () => {
    const { identities, fake, rows } = setup();
    fake.db.seed(IDENTITY_UID, [{ pseudoEmail: 'p@tiktok.com', openId: 'Open-ABC', userId: 404 }]);
    await expect(identities.resolve(person(), 'union-xyz@tiktok.com')).resolves.toBeNull();
    expect(rows()).toEqual([]);
  });

  it('keeps the row current in one write, never erasing what TikTok did not send', async () => {
    const { identities, fake } = setup();
    const [row] = fake.db.seed(IDENTITY_UID, [
      { pseudoEmail: 'p@tiktok.com', openId: 'Open-ABC', unionId: 'Union-XYZ', userId: 1 },
    ]);
    const updates = jest.spyOn(fake.db.query(IDENTITY_UID), 'updateMany');
    const seen = person({ union_id: undefined, display_name: 'New Name' }, ['user.info.basic']);
    const current = await identities.refresh(row as never, seen, true);
    expect(updates).toHaveBeenCalledTimes(1);
    expect(current).toMatchObject({ unionId: 'Union-XYZ', displayName: 'New Name' });
    expect(fake.db.rows(IDENTITY_UID)[0]).toMatchObject({
      unionId: 'Union-XYZ',
      displayName: 'New Name',
      scopes: ['user.info.basic'],
      lastSignInAt: expect.any(Date),
    });
  });

  it('shows an identity without any token', async () => {
    const { identities } = setup();
    const view = identities.view({
      id: 1,
      pseudoEmail: 'p@tiktok.com',
      userId: 1,
      username: null,
      openId: 'o',
      unionId: 'u',
      displayName: 'D',
      avatarUrl: null,
      scopes: null,
      origin: 'link',
      linkedAt: '2026-01-01T00:00:00.000Z',
      lastSignInAt: null,
      disconnectedAt: new Date('2026-02-01T00:00:00.000Z'),
      disconnectReason: '1',
    });
    expect(view).toEqual({
      openId: 'o',
      unionId: 'u',
      displayName: 'D',
      avatarUrl: null,
      scopes: [],
      linkedAt: '2026-01-01T00:00:00.000Z',
      lastSignInAt: null,
      disconnected: { at: '2026-02-01T00:00:00.000Z', reason: '1' },
      tokens: { stored: false, accessExpiresAt: null, refreshExpiresAt: null },
    });
  });
});

describe('accounts: link and unlink', () => {
  const conflict = (promise: Promise<unknown>) => rejectionOf(promise, LinkConflictError);

  it('links, then treats the same person again as a no-op, emitting identity.linked once', async () => {
    const { accounts, addUser, events } = setup();
    const user = addUser({ ...localUser });
    await expect(accounts.link(user as never, person())).resolves.toMatchObject({
      linked: true,
      identity: { userId: user.id, origin: 'link', openId: 'Open-ABC' },
    });
    await expect(accounts.link(user as never, person())).resolves.toMatchObject({ linked: false });
    expect(events()).toEqual([
      {
        name: EVENTS.IDENTITY_LINKED,
        payload: {
          user: { id: user.id, documentId: user.documentId },
          identity: expect.objectContaining({ openId: 'Open-ABC', displayName: 'Alice' }),
        },
      },
    ]);
    expect(JSON.stringify(events())).not.toMatch(/tokens/);
  });

  it('refuses a person linked to another user, and a user with another TikTok account', async () => {
    const { accounts, addUser } = setup();
    const [first, second] = [addUser({ ...localUser }), addUser({ ...localUser })];
    await accounts.link(first as never, person());
    expect((await conflict(accounts.link(second as never, person()))).message).toBe(
      'This TikTok account is already linked to another user.'
    );
    expect(
      (await conflict(accounts.link(first as never, person({ open_id: 'B', union_id: 'b' }))))
        .message
    ).toBe('A TikTok account is already linked to this user.');
  });

  it('answers a link that lost the race at the unique index with the conflict it lost to', async () => {
    const { accounts, identities, addUser, fake } = setup();
    const [winner, loser] = [addUser({ ...localUser }), addUser({ ...localUser })];
    // The loser looked before the winner's row was written.
    const look = jest.spyOn(identities, 'resolve').mockResolvedValueOnce(null);
    fake.db.seed(IDENTITY_UID, [
      { pseudoEmail: 'union-xyz@tiktok.com', openId: 'Open-ABC', userId: winner.id },
    ]);
    expect((await conflict(accounts.link(loser as never, person()))).message).toBe(
      'This TikTok account is already linked to another user.'
    );
    expect(look).toHaveBeenCalledTimes(2);
  });

  it('unlinks a linked account, and refuses a TikTok-created user without a password', async () => {
    const { accounts, addUser, rows, events } = setup();
    const user = addUser({ ...localUser });
    await accounts.link(user as never, person());
    await accounts.unlink(user as never);
    expect(rows()).toEqual([]);
    expect(events().map((event) => event.name)).toEqual([
      EVENTS.IDENTITY_LINKED,
      EVENTS.IDENTITY_UNLINKED,
    ]);

    const created = (await accounts.findOrCreate(person({ open_id: 'T', union_id: 't' }))).user;
    const refused = await rejectionOf(accounts.unlink(created), errors.ApplicationError);
    expect(refused.message).toBe('Cannot unlink the only way this user signs in.');
    expect(rows()).toHaveLength(1);
  });

  it('404 for a user without TikTok', async () => {
    const { accounts, addUser } = setup();
    const error = await rejectionOf(
      accounts.unlink(addUser({ ...localUser }) as never),
      errors.NotFoundError
    );
    expect(error.message).toBe('No TikTok account is linked to this user.');
  });
});

describe('accounts: profile sync', () => {
  it('writes only the mapped values that changed', async () => {
    const { accounts, addUser, fake } = setup({
      profileSync: { displayName: 'displayName', avatarUrl: 'avatar' },
    });
    const user = addUser({ ...localUser, displayName: 'Alice', avatar: null });
    const update = jest.spyOn(fake.db.query(USER_UID), 'update');
    const synced = await accounts.syncProfile(user as never, person().profile);
    expect(update).toHaveBeenCalledWith({
      where: { id: user.id },
      data: { avatar: 'https://a.example/1.jpeg' },
    });
    expect(synced).toMatchObject({ displayName: 'Alice', avatar: 'https://a.example/1.jpeg' });

    await accounts.syncProfile(synced, person().profile);
    expect(update).toHaveBeenCalledTimes(1);
  });

  it('is off by default, and a refused write is a warning, not a failed sign-in', async () => {
    const off = setup();
    const user = off.addUser({ ...localUser });
    const untouched = jest.spyOn(off.fake.db.query(USER_UID), 'update');
    await off.accounts.syncProfile(user as never, person().profile);
    expect(untouched).not.toHaveBeenCalled();

    const on = setup({ profileSync: { displayName: 'displayName' } });
    const other = on.addUser({ ...localUser });
    jest
      .spyOn(on.fake.db.query(USER_UID), 'update')
      .mockRejectedValue(new Error('value too long for type character varying(255)'));
    await expect(on.accounts.syncProfile(other as never, person().profile)).resolves.toBe(other);
    expect(on.fake.log.warn).toHaveBeenCalledWith(
      `[tiktok-auth-mobile] profile sync could not update user ${other.id}: value too long for type character varying(255)`
    );
  });
});

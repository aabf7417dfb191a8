import { errors } from '@strapi/utils';
import { usernameBase, usernameCandidates } from '../../server/src/services/accounts';
import { IDENTITY_UID, ROLE_UID, USER_UID } from '../../server/src/constants';
import type { TikTokUser } from '../../server/src/lib/tiktok/types';
import { rejectionOf } from '../support/errors';
import { createFakeStrapi, type Row } from '../support/fake-strapi';

const AUTHENTICATED = { id: 7, type: 'authenticated', name: 'Authenticated' };
const PUBLIC = { id: 2, type: 'public', name: 'Public' };
const OPEN = { allow_register: true, unique_email: true, default_role: 'authenticated' };

interface Setup {
  /** users-permissions' advanced settings; explicitly `undefined` when none are stored. */
  advanced?: Record<string, unknown>;
  pluginConfig?: Record<string, unknown>;
  users?: Record<string, unknown>[];
  roles?: Record<string, unknown>[];
  usernameMinLength?: number;
}

const setup = (options: Setup = {}) => {
  const {
    pluginConfig = {},
    users = [],
    roles = [PUBLIC, AUTHENTICATED],
    usernameMinLength,
  } = options;
  const advanced = 'advanced' in options ? options.advanced : OPEN;
  const fake = createFakeStrapi({ advanced, pluginConfig, usernameMinLength });
  fake.db.seed(ROLE_UID, roles);
  fake.db.seed(USER_UID, users);
  const userQuery = fake.db.query(USER_UID);
  return {
    fake,
    accounts: fake.service('accounts'),
    userRows: (): Row[] => fake.db.rows(USER_UID),
    create: jest.spyOn(userQuery, 'create'),
  };
};

const person = (overrides: TikTokUser = {}): TikTokUser => ({
  open_id: 'Open-ABC',
  union_id: 'Union-XYZ',
  display_name: 'Alice',
  ...overrides,
});

const tiktokUser = (overrides: Record<string, unknown> = {}) => ({
  username: 'alice',
  email: 'union-xyz@tiktok.com',
  provider: 'tiktok',
  confirmed: true,
  blocked: false,
  role: AUTHENTICATED.id,
  ...overrides,
});

type Accounts = ReturnType<typeof setup>['accounts'];

/** The user `findOrCreate` signs the person in as. */
const signIn = async (accounts: Accounts, profile: TikTokUser) =>
  (await accounts.findOrCreate({ profile, scopes: ['user.info.basic'] })).user;

const applicationError = (promise: Promise<unknown>) =>
  rejectionOf(promise, errors.ApplicationError);

describe('accounts service: pseudoEmail', () => {
  it.each<[string, Record<string, unknown>, TikTokUser, string]>([
    ['union_id@tiktok.com, lower-cased, by default', {}, person(), 'union-xyz@tiktok.com'],
    ['a trimmed id', {}, person({ union_id: '  Union-XYZ ' }), 'union-xyz@tiktok.com'],
    ['open_id when configured', { identityField: 'open_id' }, person(), 'open-abc@tiktok.com'],
    [
      'the configured domain',
      { emailDomain: 'Users.Example.org' },
      person(),
      'union-xyz@users.example.org',
    ],
  ])('is %s', (_case, pluginConfig, profile, email) => {
    expect(setup({ pluginConfig }).accounts.pseudoEmail(profile)).toBe(email);
  });

  it.each<[string, Record<string, unknown>, TikTokUser]>([
    ['no union_id', {}, { open_id: 'o', display_name: 'A' }],
    ['a blank union_id', {}, person({ union_id: '   ' })],
    ['no open_id when open_id is the identity', { identityField: 'open_id' }, { union_id: 'u' }],
  ])('refuses a profile with %s', (_case, pluginConfig, profile) => {
    expect(() => setup({ pluginConfig }).accounts.pseudoEmail(profile)).toThrow(
      new errors.ApplicationError('Email was not available.')
    );
  });
});

describe('accounts service: findOrCreate', () => {
  it('refuses a profile without identity and creates nothing', async () => {
    const { accounts, userRows } = setup();
    const error = await applicationError(
      signIn(accounts, { open_id: 'o', display_name: 'No Union' })
    );
    expect(error.message).toBe('Email was not available.');
    expect(userRows()).toHaveLength(0);
  });

  it('returns the existing tiktok user and creates nothing', async () => {
    const { accounts, create, userRows } = setup({ users: [tiktokUser({ id: 41 })] });
    await expect(signIn(accounts, person())).resolves.toMatchObject({
      id: 41,
      email: 'union-xyz@tiktok.com',
    });
    expect(create).not.toHaveBeenCalled();
    expect(userRows()).toHaveLength(1);
  });

  it('finds the user by the lower-cased pseudo-email whatever the case TikTok sends', async () => {
    const { accounts } = setup({ users: [tiktokUser({ id: 41 })] });
    await expect(signIn(accounts, person({ union_id: 'UNION-xyz' }))).resolves.toMatchObject({
      id: 41,
    });
  });

  it('picks the tiktok user among users of several providers sharing the email', async () => {
    const { accounts, create } = setup({
      users: [
        tiktokUser({ id: 40, provider: 'local', username: 'local-alice' }),
        tiktokUser({ id: 41 }),
      ],
    });
    await expect(signIn(accounts, person())).resolves.toMatchObject({
      id: 41,
      provider: 'tiktok',
    });
    expect(create).not.toHaveBeenCalled();
  });

  it('still signs in an existing tiktok user when sign-ups are disabled', async () => {
    const { accounts } = setup({
      advanced: { ...OPEN, allow_register: false },
      users: [tiktokUser({ id: 41 })],
    });
    await expect(signIn(accounts, person())).resolves.toMatchObject({ id: 41 });
  });

  it('reads no settings for a returning person', async () => {
    const { accounts, fake } = setup({ users: [tiktokUser({ id: 41 })] });
    const store = jest.spyOn(fake.strapi, 'store');
    await signIn(accounts, person());
    expect(store).not.toHaveBeenCalled();
  });

  it('reads the settings afresh for each new person: a change applies to the very next one', async () => {
    const advanced = { ...OPEN };
    const { accounts } = setup({ advanced });
    advanced.allow_register = false;
    const refused = await applicationError(signIn(accounts, person({ union_id: 'u-1' })));
    expect(refused.message).toBe('Register action is actually not available.');
    advanced.allow_register = true;
    await expect(signIn(accounts, person({ union_id: 'u-2' }))).resolves.toMatchObject({
      email: 'u-2@tiktok.com',
    });
  });

  it.each<[string, Record<string, unknown> | undefined]>([
    ['sign-ups are disabled', { ...OPEN, allow_register: false }],
    ['no advanced settings are stored', undefined],
  ])('refuses a new person when %s and creates nothing', async (_case, advanced) => {
    const { accounts, create, userRows } = setup({ advanced });
    const error = await applicationError(signIn(accounts, person()));
    expect(error.message).toBe('Register action is actually not available.');
    expect(create).not.toHaveBeenCalled();
    expect(userRows()).toHaveLength(0);
  });

  it('refuses when another provider owns the email and one account per email is on', async () => {
    const local = tiktokUser({ id: 40, provider: 'local' });
    const { accounts, create, userRows } = setup({ users: [local] });
    const error = await applicationError(signIn(accounts, person()));
    expect(error.message).toBe('Email is already taken.');
    expect(create).not.toHaveBeenCalled();
    expect(userRows()).toEqual([expect.objectContaining({ id: 40, provider: 'local' })]);
  });

  it('creates a separate tiktok user when another provider owns the email and unique email is off', async () => {
    const { accounts, userRows } = setup({
      advanced: { ...OPEN, unique_email: false },
      users: [tiktokUser({ id: 40, provider: 'local', username: 'local-alice' })],
    });
    const user = await signIn(accounts, person());
    expect(user).toMatchObject({ provider: 'tiktok', email: 'union-xyz@tiktok.com' });
    expect(user.id).not.toBe(40);
    expect(userRows().map((row) => row.provider)).toEqual(['local', 'tiktok']);
  });

  it('refuses with a clear error when the default role does not exist', async () => {
    const { accounts, create } = setup({ roles: [PUBLIC] });
    const error = await applicationError(signIn(accounts, person()));
    expect(error.message).toBe('Impossible to find the default role');
    expect(create).not.toHaveBeenCalled();
  });

  it('creates a confirmed, unblocked tiktok user with the default role', async () => {
    const { accounts, userRows, fake } = setup({ advanced: { ...OPEN, default_role: 'public' } });
    const user = await signIn(accounts, person());
    expect(user).toMatchObject({
      email: 'union-xyz@tiktok.com',
      provider: 'tiktok',
      confirmed: true,
      blocked: false,
      role: PUBLIC.id,
      username: 'Alice',
    });
    expect(userRows()).toEqual([expect.objectContaining({ id: user.id, role: PUBLIC.id })]);
    expect(fake.log.info).toHaveBeenCalledWith(expect.stringContaining(`created user ${user.id}`));
  });

  it.each<[string, TikTokUser, unknown]>([
    ['the TikTok username first', { username: 'alice.tt', display_name: 'Alice' }, 'alice.tt'],
    ['the display name when there is no username', { display_name: 'Alice Doe' }, 'Alice Doe'],
    [
      'the name without its control characters',
      { display_name: 'Al\u0000i\u200bce\u0007\n' },
      'Alice',
    ],
    ['a name cut to 40 characters', { display_name: 'x'.repeat(60) }, 'x'.repeat(40)],
    ['a stray % kept', { display_name: '100% real %E0%A4%A' }, '100% real %E0%A4%A'],
    [
      'digits after a name shorter than 3',
      { display_name: 'Al' },
      expect.stringMatching(/^Al\d{4}$/),
    ],
    ['"tiktok" when the profile has no name', { display_name: '' }, 'tiktok'],
  ])('makes the username from %s', async (_case, names, username) => {
    const { accounts } = setup();
    const user = await signIn(accounts, { union_id: 'union-xyz', ...names });
    expect(user.username).toEqual(username);
  });

  it('appends 4 digits to a username that is taken', async () => {
    const { accounts } = setup({ users: [tiktokUser({ email: 'someone-else@tiktok.com' })] });
    const user = await signIn(accounts, person({ display_name: 'alice' }));
    expect(user.username).toMatch(/^alice\d{4}$/);
  });

  it('honours a larger minimum username length from the user model', async () => {
    const { accounts } = setup({ usernameMinLength: 8 });
    const user = await signIn(accounts, person({ display_name: 'Alice' }));
    expect(user.username).toMatch(/^Alice\d{4}$/);
  });

  it('returns the user another request created once its own claim conflicts', async () => {
    const { accounts, create, fake, userRows } = setup();
    // The winner commits between this request's lookup and its claim.
    const [winner] = fake.db.seed(USER_UID, [tiktokUser({ id: 99, username: 'winner' })]);
    fake.db.seed(IDENTITY_UID, [{ pseudoEmail: winner.email, userId: 99 }]);
    // What this request's lookups saw before the winner committed: no identity, no user.
    jest.spyOn(fake.db.query(IDENTITY_UID), 'findOne').mockResolvedValueOnce(null);
    jest.spyOn(fake.db.query(USER_UID), 'findOne').mockResolvedValueOnce(null);

    await expect(signIn(accounts, person())).resolves.toMatchObject({ id: 99 });
    expect(create).not.toHaveBeenCalled();
    expect(userRows()).toHaveLength(1);
  });

  it('claims the username in the identity row, next to the pseudo-email', async () => {
    const { accounts, fake } = setup();
    const user = await signIn(accounts, person());
    expect(fake.db.rows(IDENTITY_UID)).toEqual([
      expect.objectContaining({ pseudoEmail: user.email, username: 'Alice', userId: user.id }),
    ]);
  });

  it('takes the next name when another person claimed this one meanwhile', async () => {
    const { accounts, fake, userRows } = setup();
    // Another person's sign-in holds "Alice" but has not committed its user yet.
    fake.db.seed(IDENTITY_UID, [{ pseudoEmail: 'someone-else@tiktok.com', username: 'Alice' }]);
    const user = await signIn(accounts, person());
    expect(user.username).toMatch(/^Alice\d{4}$/);
    expect(userRows().map((row) => row.username)).toEqual([user.username]);
  });

  it('replaces a stale claim whose user was deleted, and links the fresh user', async () => {
    const { accounts, fake, userRows } = setup();
    fake.db.seed(IDENTITY_UID, [{ pseudoEmail: 'union-xyz@tiktok.com', userId: 1234 }]);
    const user = await signIn(accounts, person());
    expect(userRows().map((row) => row.id)).toEqual([user.id]);
    expect(fake.db.rows(IDENTITY_UID)).toEqual([
      expect.objectContaining({ pseudoEmail: 'union-xyz@tiktok.com', userId: user.id }),
    ]);
  });

  it('leaves no claim behind and gives up with the database error when the user cannot be created', async () => {
    const { accounts, create, fake, userRows } = setup();
    const failure = new Error('database is read-only');
    create.mockRejectedValue(failure);
    await expect(signIn(accounts, person())).rejects.toBe(failure);
    // Each of the six usernames once: the name, four with digits, one with a UUID.
    expect(create).toHaveBeenCalledTimes(6);
    expect(userRows()).toHaveLength(0);
    expect(fake.db.rows(IDENTITY_UID)).toHaveLength(0);
  });
});

describe('usernameBase', () => {
  it.each<[string, TikTokUser, string]>([
    ['prefers username', { username: 'alice.tt', display_name: 'Alice' }, 'alice.tt'],
    ['falls back to display_name', { display_name: 'Alice Doe' }, 'Alice Doe'],
    ['skips a blank username', { username: '   ', display_name: 'Bob' }, 'Bob'],
    [
      'skips a username of invisible characters only',
      { username: '\u200b', display_name: 'Bob' },
      'Bob',
    ],
    ['trims and collapses whitespace', { display_name: '  Ann \u00a0  Lee  ' }, 'Ann Lee'],
    [
      'drops control and invisible characters',
      { display_name: 'E\u0000v\u001fe\u007f\u0085\u200b\u202e\ufeff' },
      'Eve',
    ],
    [
      'drops line breaks rather than keeping them',
      { display_name: 'Line\r\nBreak\u2028' },
      'LineBreak',
    ],
    ['keeps % and other punctuation', { display_name: '50% <off> & "more"' }, '50% <off> & "more"'],
    ['keeps unicode letters, normalised to NFC', { display_name: 'Zoe\u0301 李' }, 'Zoé 李'],
    ['cuts to 40 characters', { display_name: 'n'.repeat(41) }, 'n'.repeat(40)],
    [
      'cuts by characters, never inside an emoji',
      { display_name: '😀'.repeat(50) },
      '😀'.repeat(40),
    ],
    ['is "tiktok" without any name', {}, 'tiktok'],
    [
      'is "tiktok" when the name is only control characters',
      { display_name: '\u0000\u0001' },
      'tiktok',
    ],
  ])('%s', (_case, profile, base) => {
    expect(usernameBase(profile)).toBe(base);
  });
});

describe('usernameCandidates', () => {
  const FOUR_DIGITS = /^alice[1-9]\d{3}$/;
  const UUID_NAME = /^tiktok_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('yields the base, then the base with 4 digits four times, then a name that cannot collide', () => {
    const candidates = [...usernameCandidates('alice', 3)];
    expect(candidates).toEqual([
      'alice',
      expect.stringMatching(FOUR_DIGITS),
      expect.stringMatching(FOUR_DIGITS),
      expect.stringMatching(FOUR_DIGITS),
      expect.stringMatching(FOUR_DIGITS),
      expect.stringMatching(UUID_NAME),
    ]);
  });

  it.each([
    ['al', 3],
    ['alice', 6],
  ])(
    'skips a base shorter than the minimum (%s, min %i) and goes straight to digits',
    (base, minLength) => {
      const withDigits = expect.stringMatching(new RegExp(`^${base}[1-9]\\d{3}$`));
      expect([...usernameCandidates(base, minLength)]).toEqual([
        ...Array<unknown>(4).fill(withDigits),
        expect.stringMatching(UUID_NAME),
      ]);
    }
  );

  it('yields a base exactly as long as the minimum', () => {
    expect(usernameCandidates('alice', 5).next().value).toBe('alice');
  });

  it('counts characters, not UTF-16 units, against the minimum', () => {
    expect(usernameCandidates('😀😀', 3).next().value).toMatch(/^😀😀\d{4}$/);
    expect(usernameCandidates('😀😀😀', 3).next().value).toBe('😀😀😀');
  });
});

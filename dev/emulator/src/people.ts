/** A TikTok account the emulator can sign in, with the fields user-info can return. */
export interface EmulatedPerson {
  id: string;
  open_id: string;
  union_id?: string;
  display_name?: string;
  username?: string;
  avatar_url?: string;
  /** Shown next to the person on the consent page, e.g. what signing in as them demonstrates. */
  note?: string;
  /** How user-info answers for this person; `normal` unless a fault is being demonstrated. */
  behavior?: 'normal' | 'no-user' | 'api-error' | 'rate-limited';
}

export const DEFAULT_PEOPLE: readonly EmulatedPerson[] = [
  {
    id: 'alice',
    open_id: '_000alice-open-id',
    union_id: 'c8f1a9d2-7b1e-5c44-9a31-a11ce0000001',
    display_name: 'Alice Example',
    username: 'alice.tiktok',
    avatar_url: 'https://emulator.invalid/avatars/alice.jpeg',
  },
  {
    id: 'bob',
    open_id: '_000bob-open-id',
    union_id: 'B0B-UNION-ID-2',
    display_name: 'Bob 100% Real',
    username: 'bob%',
    avatar_url: 'https://emulator.invalid/avatars/bob.jpeg',
  },
  // No union_id: what an app outside a developer organisation gets; the plugin must refuse it.
  {
    id: 'nora',
    open_id: '_000nora-open-id',
    display_name: 'Nora No-Union',
    note: 'no union_id in her profile',
  },
  {
    id: 'ghost',
    open_id: '_000ghost-open-id',
    union_id: 'ghost-union',
    behavior: 'no-user',
    note: 'user-info answers without a user',
  },
  {
    id: 'glitch',
    open_id: '_000glitch-open-id',
    union_id: 'glitch-union',
    behavior: 'api-error',
    note: 'user-info answers with an error',
  },
];

const BEHAVIORS: readonly NonNullable<EmulatedPerson['behavior']>[] = [
  'normal',
  'no-user',
  'api-error',
  'rate-limited',
];
const TEXT_FIELDS = ['union_id', 'display_name', 'username', 'avatar_url', 'note'] as const;

/**
 * Checks a people file's content (an array of persons) and names the first problem, so that a
 * typo in a hand-written file is reported instead of surfacing as an odd sign-in failure.
 */
export const parsePeople = (json: unknown): EmulatedPerson[] => {
  if (!Array.isArray(json) || json.length === 0) {
    throw new Error('the people file must hold a non-empty JSON array of persons');
  }
  const ids = new Set<string>();
  return json.map((entry: unknown, index) => {
    const where = `person #${index + 1}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new Error(`${where} must be an object`);
    }
    const person = entry as Record<string, unknown>;
    for (const key of ['id', 'open_id'] as const) {
      if (typeof person[key] !== 'string' || person[key] === '') {
        throw new Error(`${where} needs a non-empty string "${key}"`);
      }
    }
    for (const key of TEXT_FIELDS) {
      if (person[key] !== undefined && typeof person[key] !== 'string') {
        throw new Error(`${where}: "${key}" must be a string`);
      }
    }
    if (person.behavior !== undefined && !BEHAVIORS.includes(person.behavior as never)) {
      throw new Error(`${where}: "behavior" must be one of ${BEHAVIORS.join(', ')}`);
    }
    const id = person.id as string;
    if (ids.has(id)) throw new Error(`${where}: the id "${id}" is used twice`);
    ids.add(id);
    return person as unknown as EmulatedPerson;
  });
};

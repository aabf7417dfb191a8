/** A TikTok account the emulator can sign in, with the fields user-info can return. */
export interface EmulatedPerson {
  id: string;
  open_id: string;
  union_id?: string;
  display_name?: string;
  username?: string;
  avatar_url?: string;
  /** How user-info answers for this person; `normal` unless a fault is being demonstrated. */
  behavior?: 'normal' | 'no-user' | 'api-error';
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
  { id: 'nora', open_id: '_000nora-open-id', display_name: 'Nora No-Union' },
  { id: 'ghost', open_id: '_000ghost-open-id', union_id: 'ghost-union', behavior: 'no-user' },
  { id: 'glitch', open_id: '_000glitch-open-id', union_id: 'glitch-union', behavior: 'api-error' },
];

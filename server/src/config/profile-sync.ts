import type { PluginConfig } from './settings';

/** users-permissions attributes profile sync never writes: its own bookkeeping and secrets. */
const SYSTEM_USER_ATTRIBUTES = new Set([
  'id',
  'documentId',
  'username',
  'email',
  'provider',
  'password',
  'resetPasswordToken',
  'confirmationToken',
  'confirmed',
  'blocked',
  'role',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

// TikTok's values are text; another attribute type would refuse them or change their meaning.
const TEXT_TYPES = new Set(['string', 'text']);

/**
 * What is wrong with `profileSync` against the user model's attributes (empty when nothing):
 * each target must be a text attribute the app added, never one users-permissions manages.
 */
export const profileSyncProblems = (
  mapping: PluginConfig['profileSync'],
  attributes: Readonly<Record<string, { type?: string } | undefined>>
): string[] =>
  Object.entries(mapping).flatMap(([field, name]) => {
    const where = `profileSync maps ${field} to "${name}"`;
    if (SYSTEM_USER_ATTRIBUTES.has(name)) {
      return [`${where}, which users-permissions manages: choose an attribute of your own`];
    }
    const attribute = attributes[name];
    if (!attribute) return [`${where}, which the user model does not have`];
    if (!TEXT_TYPES.has(attribute.type ?? '')) {
      return [`${where}, of type ${attribute.type}: it must be a string or text attribute`];
    }
    return [];
  });

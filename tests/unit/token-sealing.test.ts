import { pluginConfig } from '../../server/src/config/runtime';
import { createTokenSealer } from '../../server/src/lib/crypto/token-sealing';
import { FAKE_APP_KEYS, createFakeStrapi } from '../support/fake-strapi';

const OLD_KEY = 'the-old-token-key-of-at-least-32-chars';
const NEW_KEY = 'the-new-token-key-of-at-least-32-chars';
const TOKEN = 'act.1a2b3c4d5e6f7g8h9i0jKLMNOPQRSTUVWXYZ-abcdefghijklmnop!3456';
const CONTEXT = 'identity:42:access';

describe('token sealing', () => {
  const sealer = createTokenSealer([NEW_KEY]);

  it('opens what it sealed, for the same context', () => {
    const sealed = sealer.seal(TOKEN, CONTEXT);
    expect(sealer.open(sealed, CONTEXT)).toBe(TOKEN);
  });

  it('reveals nothing of the token, and seals the same token differently each time', () => {
    const sealed = sealer.seal(TOKEN, CONTEXT);
    expect(sealed).toMatch(/^t1\.[0-9a-f]{8}\.[\w-]+$/);
    const decoded = Buffer.from(sealed.split('.')[2], 'base64url').toString('latin1');
    expect(`${sealed} ${decoded}`).not.toContain(TOKEN.slice(4, 20));
    expect(sealer.seal(TOKEN, CONTEXT)).not.toBe(sealed);
  });

  it('does not open a value moved to another identity or column', () => {
    const sealed = sealer.seal(TOKEN, CONTEXT);
    expect(sealer.open(sealed, 'identity:43:access')).toBeUndefined();
    expect(sealer.open(sealed, 'identity:42:refresh')).toBeUndefined();
  });

  it('does not open an altered value, a foreign one or junk', () => {
    const sealed = sealer.seal(TOKEN, CONTEXT);
    const [version, keyId, body] = sealed.split('.');
    const blob = Buffer.from(body, 'base64url');
    for (const index of [0, 13, 30, blob.length - 1]) {
      const altered = Buffer.from(blob);
      altered[index] ^= 0x01;
      expect(sealer.open(`${version}.${keyId}.${altered.toString('base64url')}`, CONTEXT)).toBe(
        undefined
      );
    }
    expect(createTokenSealer(['another-key-of-at-least-32-characters']).open(sealed, CONTEXT)).toBe(
      undefined
    );
    for (const junk of [
      '',
      TOKEN,
      't1..',
      `t2.${keyId}.${body}`,
      `${sealed}.x`,
      'x'.repeat(5000),
    ]) {
      expect(sealer.open(junk, CONTEXT)).toBeUndefined();
    }
  });

  it('names the key in the value without revealing it: same key, same id; other key, other id', () => {
    const id = (key: string) => createTokenSealer([key]).seal(TOKEN, CONTEXT).split('.')[1];
    expect(id(NEW_KEY)).toBe(id(NEW_KEY));
    expect(id(NEW_KEY)).not.toBe(id(OLD_KEY));
    expect(NEW_KEY).not.toContain(id(NEW_KEY));
  });

  it('refuses to work without a secret', () => {
    expect(() => createTokenSealer([])).toThrow('at least one secret');
  });
});

describe('key rotation', () => {
  const before = createTokenSealer([OLD_KEY]);
  const after = createTokenSealer([NEW_KEY, OLD_KEY]);

  it('still opens values sealed with the previous key, and says they need sealing again', () => {
    const sealed = before.seal(TOKEN, CONTEXT);
    expect(after.open(sealed, CONTEXT)).toBe(TOKEN);
    expect(after.needsReseal(sealed)).toBe(true);
    expect(after.needsReseal(after.seal(TOKEN, CONTEXT))).toBe(false);
  });

  it('seals them again under the new key, which then opens without the old one', () => {
    const resealed = after.reseal(before.seal(TOKEN, CONTEXT), CONTEXT)!;
    expect(after.needsReseal(resealed)).toBe(false);
    expect(createTokenSealer([NEW_KEY]).open(resealed, CONTEXT)).toBe(TOKEN);
    expect(before.open(resealed, CONTEXT)).toBeUndefined();
  });

  it('cannot reseal what no key opens; once the old key is dropped, its values are lost', () => {
    const sealed = before.seal(TOKEN, CONTEXT);
    expect(after.reseal(sealed, 'identity:1:access')).toBeUndefined();
    expect(createTokenSealer([NEW_KEY]).open(sealed, CONTEXT)).toBeUndefined();
  });
});

describe('the vault’s secrets', () => {
  const secretsOf = (pluginConfigValues: Record<string, unknown>, env = {}) =>
    pluginConfig(createFakeStrapi({ pluginConfig: pluginConfigValues, env }).strapi).tokenSecrets();

  it('are the app keys when no token key is set, the first one sealing', () => {
    expect(secretsOf({})).toEqual(FAKE_APP_KEYS);
  });

  it('are the token key, then the previous keys, when one is set (from config or env)', () => {
    expect(
      secretsOf({ tokenEncryptionKey: NEW_KEY, tokenEncryptionPreviousKeys: [OLD_KEY] })
    ).toEqual([NEW_KEY, OLD_KEY]);
    expect(
      secretsOf(
        {},
        {
          TIKTOK_TOKEN_ENCRYPTION_KEY: NEW_KEY,
          TIKTOK_TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${OLD_KEY},${FAKE_APP_KEYS[0]}x${'y'.repeat(30)}`,
        }
      )
    ).toEqual([NEW_KEY, OLD_KEY, `${FAKE_APP_KEYS[0]}x${'y'.repeat(30)}`]);
  });

  it('let an app move from its app keys to a dedicated key: values sealed before still open', () => {
    // Strapi's generated APP_KEYS are 24 characters (16 random bytes in base64).
    const appKeys = ['bXlhcHBrZXkxMjM0NTY3OA==', 'b3RoZXJhcHBrZXkxMjM0NTY='];
    const secrets = (values: Record<string, unknown>) =>
      pluginConfig(createFakeStrapi({ pluginConfig: values, appKeys }).strapi).tokenSecrets();
    const sealed = createTokenSealer(secrets({})).seal(TOKEN, CONTEXT);

    const moved = createTokenSealer(
      secrets({ tokenEncryptionKey: NEW_KEY, tokenEncryptionPreviousKeys: [appKeys[0]] })
    );
    expect(moved.open(sealed, CONTEXT)).toBe(TOKEN);
    expect(moved.needsReseal(sealed)).toBe(true);
    expect(createTokenSealer([NEW_KEY]).open(moved.reseal(sealed, CONTEXT)!, CONTEXT)).toBe(TOKEN);
  });

  it('follow a rotation of APP_KEYS (new key first) as the state cookie does', () => {
    const sealed = createTokenSealer(['old-app-key-24-characters']).seal(TOKEN, CONTEXT);
    const rotated = createTokenSealer(
      pluginConfig(
        createFakeStrapi({ appKeys: ['new-app-key-24-characters', 'old-app-key-24-characters'] })
          .strapi
      ).tokenSecrets()
    );
    expect(rotated.open(sealed, CONTEXT)).toBe(TOKEN);
    expect(rotated.needsReseal(sealed)).toBe(true);
  });
});

import { screenshot } from './browser';
import { ALICE_EMAIL, useDemoInBrowser } from './demo-in-browser';

/** Plugin settings from the shell reach the demo's Strapi, and the page follows them. */
const tab = useDemoInBrowser({
  env: {
    UP_JWT_MANAGEMENT: 'refresh',
    TIKTOK_REDIRECT_WITH: 'strapi_jwt',
    TIKTOK_TOKEN_DELIVERY: 'fragment',
  },
});

it('flow B hands the page a Strapi session in the URL fragment; /connect is never called', async () => {
  const pluginCalls: string[] = [];
  tab.page.on('request', (request) => {
    if (request.url().includes('/api/tiktok-auth-mobile/'))
      pluginCalls.push(new URL(request.url()).pathname);
  });
  await tab.continueWithTikTok('B', 'alice');

  const landing = tab.visited.find((url) => new URL(url).hash.includes('jwt='));
  const fragment = new URLSearchParams(new URL(landing!).hash.slice(1));
  expect(new URL(landing!).search).toBe('');
  expect(fragment.get('refreshToken')).toBeTruthy();
  await tab.expectSignedIn('B', ALICE_EMAIL, fragment.get('jwt')!);
  expect(await tab.page.textContent('#jwt-expiry')).toMatch(/\(in \d+ minutes\)$/);
  // The page then asks which TikTok account the session has (GET /me).
  expect(pluginCalls).toEqual([
    '/api/tiktok-auth-mobile/authorize',
    '/api/tiktok-auth-mobile/callback',
    '/api/tiktok-auth-mobile/me',
  ]);
  await screenshot(tab.page, 'flow-b-strapi-jwt-in-fragment');
});

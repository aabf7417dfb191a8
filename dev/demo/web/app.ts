/**
 * The demo page: what a mobile app does around "Continue with TikTok", in a browser. It starts
 * each flow, and when TikTok or Strapi sends the browser back here it finishes the sign-in and
 * shows the Strapi session.
 */

import type { PageConfig } from '../src/page-config';

type Flow = 'A' | 'B' | 'C';

/** What the page remembers across the trip to TikTok, as an app keeps it in memory. */
interface Pending {
  flow: Flow;
  state: string;
  verifier?: string;
}

interface Session {
  jwt: string;
  user?: Record<string, unknown>;
}

const PENDING_KEY = 'tiktok-demo.pending';
// The values TikTok or Strapi can send back; any of them means "finish a sign-in".
const ANSWER_KEYS = ['access_token', 'jwt', 'code', 'error'];
const USER_FIELDS = ['id', 'username', 'email', 'provider', 'confirmed', 'blocked'];

class ApiError extends Error {}

const element = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
};

/** A random string of PKCE's unreserved characters (64 of them: no modulo bias). */
const randomString = (length: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from(
    crypto.getRandomValues(new Uint8Array(length)),
    (byte) => alphabet[byte & 63]
  ).join('');
};

/** TikTok's PKCE challenge: the hex (not base64url) SHA-256 of the verifier. */
const hexSha256 = async (text: string): Promise<string> => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
};

/** Shows the start of a secret only: enough to recognise it, not to use it. */
const shorten = (secret: string) => `${secret.slice(0, 8)}…`;

const addStep = (text: string) => {
  const item = document.createElement('li');
  item.textContent = text;
  element('steps').append(item);
};

const clearResult = () => {
  element('steps').replaceChildren();
  element('session').hidden = true;
  element('result-error').hidden = true;
};

const showError = (message: string) => {
  element('result').dataset.state = 'error';
  element('result-title').textContent = 'Sign-in failed';
  const error = element('result-error');
  error.textContent = message;
  error.hidden = false;
};

const callApi = async (
  method: 'GET' | 'POST',
  path: string,
  { body, jwt }: { body?: unknown; jwt?: string } = {}
): Promise<Record<string, unknown>> => {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (jwt) headers.Authorization = `Bearer ${jwt}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = (await response.json().catch(() => null)) as {
    error?: { message?: string };
  } | null;
  addStep(`${method} ${path} → ${response.status}`);
  if (!response.ok) {
    throw new ApiError(payload?.error?.message ?? `${method} ${path} failed: ${response.status}`);
  }
  return payload as Record<string, unknown>;
};

/** The JWT's `exp`, read from its payload (the page cannot and need not check the signature). */
const jwtExpiry = (jwt: string): Date | undefined => {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload)) as { exp?: number };
    return typeof exp === 'number' ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
};

const describeExpiry = (expiry: Date | undefined): string => {
  if (!expiry) return 'never (the JWT has no exp)';
  const minutes = Math.round((expiry.getTime() - Date.now()) / 60_000);
  const inWords =
    minutes >= 48 * 60
      ? `in ${Math.round(minutes / (24 * 60))} days`
      : minutes >= 120
        ? `in ${Math.round(minutes / 60)} hours`
        : `in ${minutes} minutes`;
  return `${expiry.toISOString().replace('T', ' ').slice(0, 19)} UTC (${inWords})`;
};

const showSession = async (flow: Flow | 'bad token', session: Session) => {
  const me = await callApi('GET', '/api/users/me', { jwt: session.jwt });
  const user = session.user ?? me;

  const list = element('user');
  list.replaceChildren();
  for (const field of USER_FIELDS) {
    const term = document.createElement('dt');
    term.textContent = field;
    const value = document.createElement('dd');
    value.textContent = String(user[field]);
    list.append(term, value);
  }
  element('jwt-expiry').textContent = describeExpiry(jwtExpiry(session.jwt));
  element('me').textContent = JSON.stringify(me, null, 2);
  element('session').hidden = false;
  element('result-title').textContent = `Signed in with flow ${flow} as ${String(user.username)}`;
  element('result').dataset.state = 'signed-in';
};

/** Finishes the sign-in the page started, with what TikTok (flow C) or Strapi sent back. */
const finish = async (config: PageConfig, answer: URLSearchParams) => {
  const saved = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const received = [...answer.keys()].filter((key) => key !== 'state').join(', ');
  if (!saved) return showError('This page did not start a sign-in: ignoring the answer.');
  const pending = JSON.parse(saved) as Pending;
  addStep(
    `Flow ${pending.flow}: back from ${pending.flow === 'C' ? 'TikTok' : 'Strapi'} with ${received}`
  );

  // The app's own check that this answer belongs to the sign-in it started.
  if (answer.get('state') !== pending.state) {
    return showError('The state sent back does not match the one this page sent: ignoring it.');
  }
  const error = answer.get('error');
  if (error) {
    const description = answer.get('error_description');
    return showError(description ? `${error}: ${description}` : error);
  }

  let session: Session;
  const jwt = answer.get('jwt');
  if (pending.flow === 'C') {
    const code = answer.get('code') ?? '';
    addStep(`Sending TikTok's code (${shorten(code)}) and this page's PKCE verifier to Strapi`);
    session = (await callApi('POST', `${config.pluginApi}/token`, {
      body: { code, code_verifier: pending.verifier, redirect_uri: config.sdkRedirectUri },
    })) as unknown as Session;
  } else if (jwt) {
    // Strapi was configured to hand out its own session directly (TIKTOK_REDIRECT_WITH=strapi_jwt).
    session = { jwt };
  } else {
    const accessToken = answer.get('access_token') ?? '';
    addStep(`Sending the TikTok access token (${shorten(accessToken)}) to Strapi`);
    session = (await callApi('POST', `${config.pluginApi}/connect`, {
      body: { access_token: accessToken },
    })) as unknown as Session;
  }
  await showSession(pending.flow, session);
};

const start = async (config: PageConfig, flow: Flow) => {
  const state = randomString(16);
  const authorize = (redirectUri: string, challenge?: string) => {
    const url = new URL(config.authorizeUrl);
    url.search = new URLSearchParams({
      client_key: config.clientKey,
      scope: config.scopes,
      response_type: 'code',
      redirect_uri: redirectUri,
      state,
      ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    }).toString();
    return url.toString();
  };

  const pending: Pending = { flow, state };
  let target: string;
  if (flow === 'A') {
    target = authorize(config.callbackUrl);
  } else if (flow === 'B') {
    target = `${config.pluginApi}/authorize?${new URLSearchParams({ state })}`;
  } else {
    // The SDK's job on a phone: a verifier that never leaves the device, and its challenge.
    pending.verifier = randomString(43);
    target = authorize(config.sdkRedirectUri, await hexSha256(pending.verifier));
  }
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  location.assign(target);
};

const run = async (task: () => Promise<void>) => {
  try {
    await task();
  } catch (error) {
    showError(error instanceof ApiError ? error.message : `Unexpected error: ${String(error)}`);
  }
};

const main = async () => {
  const config = (await (await fetch('/demo/config.json')).json()) as PageConfig;

  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-flow]')) {
    button.addEventListener(
      'click',
      () => void run(() => start(config, button.dataset.flow as Flow))
    );
  }
  element('bad-token').addEventListener(
    'click',
    () =>
      void run(async () => {
        clearResult();
        addStep('Sending a made-up TikTok access token to Strapi');
        const session = await callApi('POST', `${config.pluginApi}/connect`, {
          body: { access_token: 'act.made-up-token' },
        });
        await showSession('bad token', session as unknown as Session);
      })
  );
  element('reset').addEventListener('click', () => location.assign('/'));
  // The buttons stay disabled in the HTML until they work: a click before this does nothing.
  for (const button of document.querySelectorAll('button')) button.disabled = false;

  // Values may come in the query or, with TIKTOK_TOKEN_DELIVERY=fragment, in the fragment.
  const answer = new URLSearchParams(location.hash ? location.hash.slice(1) : location.search);
  if (ANSWER_KEYS.some((key) => answer.has(key))) {
    // Tokens must not linger in the address bar or the history.
    history.replaceState(null, '', '/');
    await run(() => finish(config, answer));
  }
};

void run(main);

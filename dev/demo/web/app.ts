/**
 * The demo page: what a mobile app does around "Continue with TikTok", in a browser. It starts
 * each flow, and when TikTok or Strapi sends the browser back here it finishes the sign-in and
 * shows the Strapi session. It also plays an app with e-mail/password accounts
 * (users-permissions' own routes) that links TikTok to such an account and unlinks it.
 */

import type { PageConfig } from '../src/page-config';

type Flow = 'A' | 'B' | 'C';

/** What the trip to TikTok is for: signing in, or linking TikTok to the signed-in account. */
type Purpose = 'sign-in' | 'link';

/** What the page remembers across the trip to TikTok, as an app keeps it in memory. */
interface Pending {
  flow: Flow;
  purpose: Purpose;
  state: string;
  verifier?: string;
}

interface Session {
  jwt: string;
  user?: Record<string, unknown>;
}

const PENDING_KEY = 'tiktok-demo.pending';
// The signed-in user's JWT, kept for this tab only (an app keeps it in the device's secure
// storage): linking goes to TikTok and back, and the session must survive the trip.
const SESSION_KEY = 'tiktok-demo.jwt';
// The values TikTok or Strapi can send back; any of them means "finish a sign-in".
const ANSWER_KEYS = ['access_token', 'jwt', 'code', 'error'];
const USER_FIELDS = ['id', 'username', 'email', 'provider', 'confirmed', 'blocked'];
const IDENTITY_FIELDS = [
  'displayName',
  'openId',
  'unionId',
  'scopes',
  'linkedAt',
  'lastSignInAt',
  'disconnected',
  'tokens',
];
// Where the demo server forwards "Disconnect in TikTok" to the emulator (dev/demo/src).
const DISCONNECT_PATH = '/demo/disconnect';

const FAILED = {
  signIn: 'Sign-in failed',
  signUp: 'Sign-up failed',
  link: 'Linking TikTok failed',
  unlink: 'Unlinking TikTok failed',
  disconnect: 'Disconnecting in TikTok failed',
} as const;

class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
  }
}

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
  element('result-error').hidden = true;
};

const showError = (message: string, title: string) => {
  element('result').dataset.state = 'error';
  element('result-title').textContent = title;
  const error = element('result-error');
  error.textContent = message;
  error.hidden = false;
};

const callApi = async (
  method: 'GET' | 'POST' | 'DELETE',
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
    throw new ApiError(
      payload?.error?.message ?? `${method} ${path} failed: ${response.status}`,
      response.status
    );
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

/** Fills a `<dl>` with `fields` of `values`, in that order. */
const fillList = (id: string, fields: readonly string[], values: Record<string, unknown>) => {
  const list = element(id);
  list.replaceChildren();
  for (const field of fields) {
    const term = document.createElement('dt');
    term.textContent = field;
    const value = document.createElement('dd');
    const shown = values[field];
    value.textContent = Array.isArray(shown)
      ? shown.join(', ')
      : typeof shown === 'object' && shown !== null
        ? JSON.stringify(shown)
        : String(shown);
    list.append(term, value);
  }
};

/** The signed-in user's TikTok account (`GET /me`), shown with the button that fits it. */
const showIdentity = async (config: PageConfig, jwt: string) => {
  let identity: Record<string, unknown> | null = null;
  let absent = '';
  try {
    identity = await callApi('GET', `${config.pluginApi}/me`, { jwt });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    absent = error.message;
  }
  if (identity) fillList('identity', IDENTITY_FIELDS, identity);
  element('identity').hidden = !identity;
  element('identity').dataset.openId = typeof identity?.openId === 'string' ? identity.openId : '';
  element('identity-none').textContent = absent;
  element('identity-none').hidden = !!identity;
  element('link').hidden = !!identity;
  element('unlink').hidden = !identity;
  const connected = !!identity && !identity.disconnected;
  element('disconnect').hidden = !connected;
  element('disconnect-explain').hidden = !connected;
};

interface Delivery {
  attempts: { status?: number; error?: string }[];
}

/**
 * The person removes the app in TikTok: the demo server has the emulator do it, which delivers
 * `authorization.removed` to the plugin's webhook before it answers.
 */
const disconnectInTikTok = async (config: PageConfig, openId: string): Promise<string> => {
  addStep('In TikTok, the person removes this app (the emulator plays TikTok)');
  const response = await fetch(
    `${DISCONNECT_PATH}?${new URLSearchParams({ openId, reason: '1' })}`,
    {
      method: 'POST',
    }
  );
  const payload = (await response.json().catch(() => null)) as {
    delivery?: Delivery;
    error?: string;
  } | null;
  if (!response.ok || !payload?.delivery) {
    throw new ApiError(
      payload?.error ?? `${DISCONNECT_PATH} failed: ${response.status}`,
      response.status
    );
  }
  const attempt = payload.delivery.attempts[payload.delivery.attempts.length - 1];
  const outcome = attempt?.status ?? attempt?.error ?? 'not sent';
  addStep(
    `TikTok delivered authorization.removed to POST ${config.pluginApi}/webhook → ${outcome}`
  );
  if (attempt?.status !== 200) {
    throw new ApiError(`The webhook answered ${outcome}`, 502);
  }
  return 'Disconnected in TikTok: the webhook told Strapi, which forgot the TikTok tokens';
};

/**
 * Shows who `session` signs in as, in Strapi (`GET /api/users/me`) and at TikTok (`GET /me`),
 * and keeps its JWT as this tab's session.
 */
const showSession = async (
  config: PageConfig,
  title: (username: string) => string,
  session: Session
) => {
  sessionStorage.setItem(SESSION_KEY, session.jwt);
  const me = await callApi('GET', '/api/users/me', { jwt: session.jwt });
  const user = session.user ?? me;
  await showIdentity(config, session.jwt);

  fillList('user', USER_FIELDS, user);
  element('jwt-expiry').textContent = describeExpiry(jwtExpiry(session.jwt));
  element('me').textContent = JSON.stringify(me, null, 2);
  element('session').hidden = false;
  element('result-title').textContent = title(String(user.username));
  element('result').dataset.state = 'signed-in';
};

const forgetSession = () => {
  sessionStorage.removeItem(SESSION_KEY);
  element('session').hidden = true;
  element('result').dataset.state = 'idle';
  element('result-title').textContent = 'Not signed in';
};

/**
 * An action of the signed-in user (link, unlink). Whatever its outcome, the page then shows the
 * session as it now is, with a refusal next to it; a JWT Strapi no longer accepts signs out.
 */
const asSignedIn = async (
  config: PageConfig,
  failedTitle: string,
  action: (jwt: string) => Promise<string>
) => {
  const jwt = sessionStorage.getItem(SESSION_KEY);
  if (!jwt) return showError('Sign in first: this page holds no session.', failedTitle);
  let done: string | undefined;
  let refusal: ApiError | undefined;
  try {
    done = await action(jwt);
  } catch (error) {
    // A JWT Strapi no longer takes, or no answer at all: no session to show next to it.
    if (!(error instanceof ApiError) || error.status === 401) throw error;
    refusal = error;
  }
  await showSession(config, (username) => done ?? `Signed in as ${username}`, { jwt });
  if (refusal) throw refusal;
};

/** The trip to TikTok the page started, read once: an answer is used at most once. */
const takePending = (): Pending | null => {
  const saved = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  return saved ? (JSON.parse(saved) as Pending) : null;
};

const failedTitle = (pending: Pending | null) =>
  pending?.purpose === 'link' ? FAILED.link : FAILED.signIn;

/** Finishes the sign-in (or link) the page started, with what TikTok or Strapi sent back. */
const finish = async (config: PageConfig, answer: URLSearchParams, pending: Pending | null) => {
  const received = [...answer.keys()].filter((key) => key !== 'state').join(', ');
  const failed = failedTitle(pending);
  if (!pending) return showError('This page did not start a sign-in: ignoring the answer.', failed);
  const trip = pending.purpose === 'link' ? 'Linking' : `Flow ${pending.flow}`;
  addStep(`${trip}: back from ${pending.flow === 'C' ? 'TikTok' : 'Strapi'} with ${received}`);

  // The app's own check that this answer belongs to the sign-in it started.
  if (answer.get('state') !== pending.state) {
    return showError(
      'The state sent back does not match the one this page sent: ignoring it.',
      failed
    );
  }
  const error = answer.get('error');
  if (error) {
    const description = answer.get('error_description');
    return showError(description ? `${error}: ${description}` : error, failed);
  }

  const code = answer.get('code') ?? '';
  const codeExchange = {
    code,
    code_verifier: pending.verifier,
    redirect_uri: config.sdkRedirectUri,
  };
  if (pending.purpose === 'link') {
    return asSignedIn(config, FAILED.link, async (jwt) => {
      addStep(`Sending TikTok's code (${shorten(code)}), the PKCE verifier and the JWT to /link`);
      const linked = await callApi('POST', `${config.pluginApi}/link`, { jwt, body: codeExchange });
      return linked.linked
        ? 'TikTok linked: Continue with TikTok now signs into this account'
        : 'This TikTok account was already linked to this user: nothing changed';
    });
  }

  let session: Session;
  const jwt = answer.get('jwt');
  if (pending.flow === 'C') {
    addStep(`Sending TikTok's code (${shorten(code)}) and this page's PKCE verifier to Strapi`);
    session = (await callApi('POST', `${config.pluginApi}/token`, {
      body: codeExchange,
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
  await showSession(
    config,
    (username) => `Signed in with flow ${pending.flow} as ${username}`,
    session
  );
};

/** Sends the browser to TikTok (or Strapi's /authorize) to sign in with `flow`, or to link. */
const start = async (config: PageConfig, flow: Flow, purpose: Purpose) => {
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

  const pending: Pending = { flow, purpose, state };
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
  // Signing in anew replaces the session the page held, whatever the outcome.
  if (purpose === 'sign-in') sessionStorage.removeItem(SESSION_KEY);
  location.assign(target);
};

/** Signs up or in with e-mail and password, through users-permissions' own routes. */
const signInWithPassword = async (config: PageConfig, form: HTMLFormElement, signUp: boolean) => {
  const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
  clearResult();
  const session = signUp
    ? await callApi('POST', '/api/auth/local/register', {
        body: { username: field('username'), email: field('email'), password: field('password') },
      })
    : await callApi('POST', '/api/auth/local', {
        body: { identifier: field('email'), password: field('password') },
      });
  form.reset();
  await showSession(
    config,
    (username) => `${signUp ? 'Signed up' : 'Signed in with e-mail'} as ${username}`,
    session as unknown as Session
  );
};

const run = async (failedTitle: string, task: () => Promise<void>) => {
  try {
    await task();
  } catch (error) {
    if (!(error instanceof ApiError)) {
      return showError(`Unexpected error: ${String(error)}`, failedTitle);
    }
    // Strapi no longer takes this session (the user was blocked or deleted, the JWT expired):
    // as an app would, the page forgets it.
    if (error.status === 401 && sessionStorage.getItem(SESSION_KEY)) {
      forgetSession();
      addStep('Strapi refused the session: the page forgot it (signed out)');
    }
    showError(error.message, failedTitle);
  }
};

const main = async () => {
  const config = (await (await fetch('/demo/config.json')).json()) as PageConfig;

  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-flow]')) {
    button.addEventListener(
      'click',
      () => void run(FAILED.signIn, () => start(config, button.dataset.flow as Flow, 'sign-in'))
    );
  }
  element('bad-token').addEventListener(
    'click',
    () =>
      void run(FAILED.signIn, async () => {
        clearResult();
        element('session').hidden = true;
        addStep('Sending a made-up TikTok access token to Strapi');
        const session = await callApi('POST', `${config.pluginApi}/connect`, {
          body: { access_token: 'act.made-up-token' },
        });
        await showSession(
          config,
          (username) => `Signed in with bad token as ${username}`,
          session as unknown as Session
        );
      })
  );
  const account = element<HTMLFormElement>('account');
  account.addEventListener('submit', (event) => {
    event.preventDefault();
    const signUp = (event.submitter as HTMLButtonElement | null)?.value === 'sign-up';
    void run(signUp ? FAILED.signUp : FAILED.signIn, () =>
      signInWithPassword(config, account, signUp)
    );
  });
  // Linking goes through TikTok as flow C does: the TikTok token never reaches the page.
  element('link').addEventListener(
    'click',
    () => void run(FAILED.link, () => start(config, 'C', 'link'))
  );
  element('unlink').addEventListener(
    'click',
    () =>
      void run(FAILED.unlink, () => {
        clearResult();
        return asSignedIn(config, FAILED.unlink, async (jwt) => {
          await callApi('DELETE', `${config.pluginApi}/link`, { jwt });
          return 'TikTok unlinked: Continue with TikTok no longer signs into this account';
        });
      })
  );
  element('disconnect').addEventListener(
    'click',
    () =>
      void run(FAILED.disconnect, () => {
        clearResult();
        return asSignedIn(config, FAILED.disconnect, () =>
          disconnectInTikTok(config, element('identity').dataset.openId ?? '')
        );
      })
  );
  element('sign-out').addEventListener('click', () => {
    clearResult();
    forgetSession();
    addStep('Signed out: the page forgot the JWT');
  });
  // The buttons stay disabled in the HTML until they work: a click before this does nothing.
  for (const button of document.querySelectorAll('button')) button.disabled = false;

  // Values may come in the query or, with TIKTOK_TOKEN_DELIVERY=fragment, in the fragment.
  const answer = new URLSearchParams(location.hash ? location.hash.slice(1) : location.search);
  if (ANSWER_KEYS.some((key) => answer.has(key))) {
    // Tokens must not linger in the address bar or the history.
    history.replaceState(null, '', '/');
    const pending = takePending();
    await run(failedTitle(pending), () => finish(config, answer, pending));
  } else {
    const jwt = sessionStorage.getItem(SESSION_KEY);
    if (jwt)
      await run(FAILED.signIn, () =>
        showSession(config, (username) => `Signed in as ${username}`, { jwt })
      );
  }
};

void run(FAILED.signIn, main);

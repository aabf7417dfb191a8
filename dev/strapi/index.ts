/**
 * The one way the lab starts the playground Strapi: in this process (tests, demo, playground CLI)
 * or in a child process (multi-process tests, bench).
 */
export {
  PLAYGROUND_ENV_KEYS,
  applyPlaygroundEnv,
  bootPlayground,
  destroyKeepingListeners,
  loadPlayground,
  type PlaygroundApp,
} from './in-process';
export { StrapiProcess } from './child-process';
export { PLAYGROUND_DIR, ROOT } from './paths';

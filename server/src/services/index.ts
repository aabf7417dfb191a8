import accounts from './accounts';
import advancedSettings from './advanced-settings';
import config from './config';
import flowCookie from './flow-cookie';
import legacyJwt from './legacy-jwt';
import login from './login';
import session from './session';
import tiktok from './tiktok';

export default {
  accounts,
  advancedSettings,
  config,
  flowCookie,
  legacyJwt,
  login,
  session,
  tiktok,
};

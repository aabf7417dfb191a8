import accounts from './accounts';
import config from './config';
import flowCookie from './flow-cookie';
import identities from './identities';
import legacyJwt from './legacy-jwt';
import login from './login';
import rateLimit from './rate-limit';
import session from './session';
import status from './status';
import tiktok from './tiktok';

export default {
  accounts,
  config,
  flowCookie,
  identities,
  legacyJwt,
  login,
  rateLimit,
  session,
  status,
  tiktok,
};

import accounts from './accounts';
import config from './config';
import flowCookie from './flow-cookie';
import identities from './identities';
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
  login,
  rateLimit,
  session,
  status,
  tiktok,
};

import accounts from './accounts';
import config from './config';
import identities from './identities';
import rateLimit from './rate-limit';
import session from './session';
import tiktok from './tiktok';

export default { accounts, config, identities, rateLimit, session, tiktok };

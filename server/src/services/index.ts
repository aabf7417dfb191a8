import accounts from './accounts';
import config from './config';
import rateLimit from './rate-limit';
import session from './session';
import tiktok from './tiktok';

export default { accounts, config, rateLimit, session, tiktok };

import accounts from './accounts';
import config from './config';
import session from './session';
import status from './status';
import tiktok from './tiktok';

export default { accounts, config, session, status, tiktok };

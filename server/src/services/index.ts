import accounts from './accounts';
import config from './config';
import flowCookie from './flow-cookie';
import login from './login';
import session from './session';
import tiktok from './tiktok';

export default { accounts, config, flowCookie, login, session, tiktok };

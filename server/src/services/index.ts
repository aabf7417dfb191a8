import accounts from './accounts';
import advancedSettings from './advanced-settings';
import config from './config';
import legacyJwt from './legacy-jwt';
import session from './session';
import tiktok from './tiktok';

export default { accounts, advancedSettings, config, legacyJwt, session, tiktok };

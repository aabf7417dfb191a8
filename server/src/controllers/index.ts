import auth from './auth';
import settings from './settings';
import webhook from './webhook';

export default { auth, settings, webhook };

import auth from './auth';
import identity from './identity';
import settings from './settings';
import webhook from './webhook';

export default { auth, identity, settings, webhook };

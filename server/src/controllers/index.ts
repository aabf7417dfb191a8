import auth from './auth';
import identity from './identity';
import settings from './settings';

export default { auth, identity, settings };

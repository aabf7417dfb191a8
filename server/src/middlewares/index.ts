import rateLimitGuard from './rate-limit-guard';
import signedIn from './signed-in';

// Routes name them `plugin::tiktok-auth-mobile.<name>` (RATE_LIMIT_MIDDLEWARE, SIGNED_IN_MIDDLEWARE).
export default { 'rate-limit': rateLimitGuard, 'signed-in': signedIn };

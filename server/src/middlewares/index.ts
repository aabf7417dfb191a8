import rateLimitGuard from './rate-limit-guard';

// Routes name it `plugin::tiktok-auth-mobile.rate-limit` (RATE_LIMIT_MIDDLEWARE).
export default { 'rate-limit': rateLimitGuard };

export { createRateLimiter } from './create-rate-limiter';
export type { RateLimitDecision, RateLimiter, RateLimiterDeps } from './create-rate-limiter';
export { createRedisClient } from './create-redis-client';
export { burstWindow, isAuthPolicy, policyWindow } from './rate-limit-policy';
export type { PolicyWindow, RateLimitPolicy } from './rate-limit-policy';

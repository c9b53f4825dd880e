export { createApiKeyCheck, LAST_USED_RESOLUTION_MS } from './api-key-check';
export type { ApiKeyCheck, ApiKeyPrincipal } from './api-key-check';
export { API_KEY_PREFIX, generateApiKey, isApiKeyFormat, LEGACY_API_KEY_PREFIX, maskKeyHash } from './api-key-format';
export { createApiKeys, parseExpiry } from './create-api-keys';
export type { ApiKeys, CreateApiKeyInput } from './create-api-keys';

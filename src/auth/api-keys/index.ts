export { parseKeyInput } from './api-key-input.ts';
export { API_KEYS_TABLE } from './api-key-store.ts';
export {
  type ApiKey,
  type CreatedApiKey,
  KEY_OPERATIONS,
  KEY_PREFIX,
  type KeyOperation,
  type KeyScope,
} from './api-key-types.ts';
export { ApiKeysService } from './api-keys-service.ts';

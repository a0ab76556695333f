export { EXTERNAL_AUTHS } from './external-auths.ts';
export { oauth2Methods, type ProviderInfo } from './oauth2-auth-methods.ts';
export { PROVIDER_PRESETS } from './oauth2-presets.ts';
export {
  noRedirectPublisher,
  type OAuth2RedirectMessage,
  type OAuth2RedirectPublisher,
} from './oauth2-redirect.ts';
export { type OAuth2SignIn, type OAuth2SignInInput, OAuth2Service } from './oauth2-service.ts';
export type { OAuth2Options, OAuth2User, ProviderConfig } from './oauth2-types.ts';

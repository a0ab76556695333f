import type { FastifyInstance } from 'fastify';
import type { ApiServices } from '../api-services.ts';
import { registerEmailChange } from './record-auth-email-change.ts';
import { registerImpersonate } from './record-auth-impersonate.ts';
import { registerAuthMethods } from './record-auth-methods.ts';
import { registerOtp } from './record-auth-otp.ts';
import { registerPasswordReset } from './record-auth-password-reset.ts';
import { registerAuthRefresh } from './record-auth-refresh.ts';
import { registerVerification } from './record-auth-verification.ts';
import { registerAuthWithPassword } from './record-auth-with-password.ts';

export { type OAuth2MethodsLister, setOAuth2MethodsLister } from './record-auth-methods.ts';
export { authCollection, authResponse, bodyOf } from './record-auth-common.ts';

/** Every record auth endpoint of PocketBase's API except OAuth2 (registered by its own component). */
export function registerRecordAuthRoutes(server: FastifyInstance, services: ApiServices): void {
  registerAuthMethods(server, services);
  registerAuthWithPassword(server, services);
  registerAuthRefresh(server, services);
  registerVerification(server, services);
  registerPasswordReset(server, services);
  registerEmailChange(server, services);
  registerOtp(server, services);
  registerImpersonate(server, services);
}

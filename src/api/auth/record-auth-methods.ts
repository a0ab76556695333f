import type { FastifyInstance } from 'fastify';
import { authOptions } from '../../auth/auth-options.ts';
import type { Collection } from '../../data/collection-types.ts';
import type { ApiServices } from '../api-services.ts';
import { authCollection, type CollectionParams } from './record-auth-common.ts';

/** The `oauth2` part of auth-methods; the OAuth2 component replaces it with its providers. */
export type OAuth2MethodsLister = (
  collection: Collection,
) => Promise<{ enabled: boolean; providers: unknown[] }>;

let listOAuth2: OAuth2MethodsLister = async () => ({ enabled: false, providers: [] });

/** Lets the OAuth2 component fill `oauth2` in the auth-methods answer. */
export function setOAuth2MethodsLister(lister: OAuth2MethodsLister): void {
  listOAuth2 = lister;
}

/** `GET /api/collections/:collection/auth-methods`: which sign-in methods the collection allows. */
export function registerAuthMethods(server: FastifyInstance, services: ApiServices): void {
  server.get<{ Params: CollectionParams }>('/api/collections/:collection/auth-methods', async (request) => {
    const collection = authCollection(services, request.params.collection);
    const options = authOptions(collection);
    return {
      password: {
        enabled: options.passwordAuth.enabled,
        identityFields: options.passwordAuth.identityFields,
      },
      oauth2: await listOAuth2(collection),
      mfa: { enabled: options.mfa.enabled, duration: options.mfa.enabled ? options.mfa.duration : 0 },
      otp: { enabled: options.otp.enabled, duration: options.otp.enabled ? options.otp.duration : 0 },
    };
  });
}

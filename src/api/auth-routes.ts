import type { FastifyInstance } from 'fastify';
import { ApiError, fieldError } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';
import type { ApiServices } from './api-services.ts';
import { answer } from './records-routes.ts';
import { recordContext } from './request-context.ts';

type Params = { collection: string };

/** Password sign-in, token refresh and the auth-methods list for auth collections. */
export function registerAuthRoutes(server: FastifyInstance, services: ApiServices): void {
  const { collections, auth } = services;
  const base = '/api/collections/:collection';

  server.get<{ Params: Params }>(`${base}/auth-methods`, async (request) => {
    const collection = collections.require(request.params.collection);
    if (collection.type !== 'auth')
      throw new ApiError('bad_request', `The collection "${collection.name}" is not an auth collection.`);
    const password = (collection.passwordAuth ?? { enabled: true, identityFields: ['email'] }) as Record<
      string,
      unknown
    >;
    return {
      password: { enabled: password.enabled !== false, identityFields: password.identityFields ?? ['email'] },
      oauth2: { enabled: false, providers: [] },
      mfa: { enabled: false, duration: 0 },
      otp: { enabled: false, duration: 0 },
    };
  });

  server.post<{ Params: Params }>(`${base}/auth-with-password`, async (request) => {
    const collection = collections.require(request.params.collection);
    const body = isPlainObject(request.body) ? request.body : {};
    const problems: Record<string, ReturnType<typeof fieldError>> = {};
    if (typeof body.identity !== 'string' || body.identity === '')
      problems.identity = fieldError('validation_required', 'Cannot be blank.');
    if (typeof body.password !== 'string' || body.password === '')
      problems.password = fieldError('validation_required', 'Cannot be blank.');
    if (Object.keys(problems).length)
      throw new ApiError('validation_failed', 'Failed to authenticate.', problems);
    const { token, record } = await auth.authWithPassword(
      collection,
      body.identity as string,
      body.password as string,
    );
    const principal = { collection, record };
    const ctx = auth.contextFor(principal, { query: {}, headers: {}, method: 'POST', context: 'password' });
    request.principalLabel = `${collection.name}/${record.id}`;
    return { token, record: await answer(services, collection, record, ctx, request) };
  });

  server.post<{ Params: Params }>(`${base}/auth-refresh`, async (request) => {
    const collection = collections.require(request.params.collection);
    const principal = request.principal;
    if (!principal) throw new ApiError('unauthorized');
    if (principal.collection.id !== collection.id)
      throw new ApiError('forbidden', 'The token belongs to another collection.');
    return {
      token: await auth.refresh(principal),
      record: await answer(services, collection, principal.record, recordContext(request, services), request),
    };
  });
}

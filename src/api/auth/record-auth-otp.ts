import type { FastifyInstance } from 'fastify';
import { authWithOtp, requestOtp } from '../../auth/otp-flow.ts';
import { ApiError, fieldError } from '../../lib/errors.ts';
import type { ApiServices } from '../api-services.ts';
import { authCollection, authResponse, bodyOf, type CollectionParams } from './record-auth-common.ts';

/** `POST …/request-otp` `{email}` → `{otpId}`, and `POST …/auth-with-otp` `{otpId, password}` → `{token, record}`. */
export function registerOtp(server: FastifyInstance, services: ApiServices): void {
  server.post<{ Params: CollectionParams }>('/api/collections/:collection/request-otp', async (request) => {
    const collection = authCollection(services, request.params.collection);
    return { otpId: await requestOtp(services.auth.deps, collection, bodyOf(request).email) };
  });
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/auth-with-otp',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      const body = bodyOf(request);
      const problems: Record<string, ReturnType<typeof fieldError>> = {};
      for (const key of ['otpId', 'password']) {
        if (typeof body[key] !== 'string' || body[key] === '')
          problems[key] = fieldError('validation_required', 'Cannot be blank.');
      }
      if (Object.keys(problems).length)
        throw new ApiError('validation_failed', 'Failed to authenticate.', problems);
      const throttle = services.auth.throttleGuard(request.ip);
      throttle.check();
      const record = await authWithOtp(
        services.auth.deps,
        collection,
        String(body.otpId),
        String(body.password),
      ).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 400) throttle.fail();
        throw error;
      });
      await services.auth.assertCanSignIn(collection, record);
      return authResponse(request, reply, services, collection, record, 'otp');
    },
  );
}

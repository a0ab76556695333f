import type { FastifyInstance } from 'fastify';
import {
  PROVIDER_PRESETS,
  type OAuth2RedirectPublisher,
  OAuth2Service,
  noRedirectPublisher,
  oauth2Methods,
} from '../auth/oauth2/index.ts';
import { ApiError, type ErrorData, fieldError } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';
import type { ApiServices } from './api-services.ts';
import { authCollection, authResponse, bodyOf, setOAuth2MethodsLister } from './auth/index.ts';
import { registerOAuth2Redirect } from './oauth2-redirect-routes.ts';
import { requireSuperuser } from './request-context.ts';

/**
 * OAuth2/OIDC sign-in: providers in `auth-methods`, `POST …/auth-with-oauth2` (code +
 * PKCE verifier), and `/api/oauth2-redirect` for the SDK's realtime-based flow.
 */
export function registerOAuth2Routes(
  server: FastifyInstance,
  services: ApiServices,
  publisher: OAuth2RedirectPublisher = noRedirectPublisher,
): void {
  const oauth2 = new OAuth2Service(services.db, services.collections, services.records);
  server.addHook('onReady', () => oauth2.ensure());
  setOAuth2MethodsLister((collection) =>
    oauth2Methods(collection, (name, cause) =>
      server.log.warn({ err: cause, provider: name }, 'OAuth2 provider skipped'),
    ),
  );

  server.post<{ Params: { collection: string } }>(
    '/api/collections/:collection/auth-with-oauth2',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      const input = readInput(bodyOf(request));
      const { record, isNew, user } = await oauth2.signIn(collection, input);
      await services.auth.assertCanSignIn(collection, record);
      const out = await authResponse(request, reply, services, collection, record, 'oauth2');
      if (!isPlainObject(out) || !('token' in out)) return out;
      const { accessToken, refreshToken, expiry, ...profile } = user;
      return { ...out, meta: { ...profile, isNew, accessToken, refreshToken, expiry } };
    },
  );
  // the providers Basalt knows, for dashboards (the SDK's collections.getAllOAuth2Providers)
  server.get('/api/collections/meta/oauth2-providers', async (request) => {
    requireSuperuser(request, services);
    return Object.entries(PROVIDER_PRESETS).map(([name, p]) => ({
      name,
      displayName: p.displayName,
      pkce: p.pkce,
      authURL: p.authURL,
      tokenURL: p.tokenURL,
      userInfoURL: p.userInfoURL,
      openID: Boolean(p.oidc),
    }));
  });
  registerOAuth2Redirect(server, publisher);
}

function readInput(body: Record<string, unknown>) {
  const problems: ErrorData = {};
  const text = (key: string, required: boolean): string => {
    const value = body[key];
    if (typeof value === 'string' && value) return value;
    if (required) problems[key] = fieldError('validation_required', 'Cannot be blank.');
    return '';
  };
  const input = {
    provider: text('provider', true),
    code: text('code', true),
    codeVerifier: text('codeVerifier', false),
    // `redirectUrl` is the pre-0.23 spelling the SDK may still send
    redirectURL: text('redirectURL', false) || text('redirectUrl', false),
    createData: isPlainObject(body.createData) ? body.createData : {},
  };
  if (!input.redirectURL) problems.redirectURL = fieldError('validation_required', 'Cannot be blank.');
  if (Object.keys(problems).length)
    throw new ApiError('validation_failed', 'Failed to authenticate.', problems);
  return input;
}

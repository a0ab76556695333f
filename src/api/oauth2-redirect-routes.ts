import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OAuth2RedirectPublisher } from '../auth/oauth2/index.ts';
import { isPlainObject } from '../lib/json.ts';

// the dashboard pages that tell the user to go back to the app (PocketBase's paths)
const SUCCESS = '/_/#/auth/oauth2-redirect-success';
const FAILURE = '/_/#/auth/oauth2-redirect-failure';

/**
 * `GET|POST /api/oauth2-redirect`: where a provider sends the browser back. The code and
 * state go to the client waiting on that state (see OAuth2RedirectPublisher); the
 * browser lands on a success or failure page. POST is for providers that answer with
 * `response_mode=form_post` (Apple), so it reads urlencoded forms, in this route only.
 */
export function registerOAuth2Redirect(server: FastifyInstance, publisher: OAuth2RedirectPublisher): void {
  server.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    const handle = async (source: unknown, reply: FastifyReply) => {
      const data = isPlainObject(source) ? source : {};
      const message = {
        state: String(data.state ?? ''),
        code: String(data.code ?? ''),
        error: String(data.error ?? ''),
      };
      if (!message.state) return reply.redirect(FAILURE, 307);
      const delivered = await Promise.resolve(publisher.deliver(message)).catch(() => false);
      const ok = delivered && !message.error && Boolean(message.code);
      return reply.redirect(ok ? SUCCESS : FAILURE, 307);
    };
    scope.get('/api/oauth2-redirect', (request, reply) => handle(request.query, reply));
    scope.post('/api/oauth2-redirect', (request, reply) => handle(request.body, reply));
  });
}

import type { FastifyInstance } from 'fastify';
import { sendTestMail } from '../auth/test-mail.ts';
import { ApiError } from '../lib/errors.ts';
import type { ApiServices } from './api-services.ts';
import { authCollection, bodyOf } from './auth/index.ts';
import { requireSuperuser } from './request-context.ts';

/**
 * `POST /api/settings/test/email` `{email, template, collection}` (PocketBase's) and
 * `GET /api/basalt/mail/outbox?limit=` (Basalt's: the development outbox), superusers only.
 */
export function registerMailRoutes(server: FastifyInstance, services: ApiServices): void {
  server.post('/api/settings/test/email', async (request, reply) => {
    requireSuperuser(request, services);
    const body = bodyOf(request);
    const collection = authCollection(services, String(body.collection || '_superusers'));
    try {
      await sendTestMail(services.auth.deps, collection, body.template, body.email);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // the mail server's own words help the superuser fix the SMTP settings
      throw new ApiError(
        'bad_request',
        `Failed to send the test email. Raw error: \n${(error as Error).message}`,
        {},
        {
          cause: error,
        },
      );
    }
    return reply.code(204).send();
  });
  server.get<{ Querystring: { limit?: string } }>('/api/basalt/mail/outbox', async (request) => {
    requireSuperuser(request, services);
    const limit = Math.min(Math.max(Number(request.query.limit) || 100, 1), 1000);
    const items = await services.mail.outbox(limit);
    return { mode: services.mail.mode, items };
  });
}

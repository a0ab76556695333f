import type { FastifyInstance } from 'fastify';
import { type EnqueueOptions, JOB_STATES, type JobState } from '../jobs/index.ts';
import { ApiError, fieldError, invalidField } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser, stringValues } from './request-context.ts';

const ENQUEUE_KEYS = [
  'queue',
  'priority',
  'delay',
  'runAt',
  'maxAttempts',
  'backoffMs',
  'backoffMaxMs',
  'idempotencyKey',
] as const;

/**
 * `/api/basalt/jobs` (Basalt extension, superusers): list and filter, view, enqueue,
 * retry, cancel, and purge the dead letter.
 */
export function registerBasaltJobsRoutes(server: FastifyInstance, services: ApiServices): void {
  server.get('/api/basalt/jobs', async (request) => {
    requireSuperuser(request, services);
    const q = stringValues(request.query);
    if (q.state !== undefined && !JOB_STATES.includes(q.state as JobState))
      throw invalidField('state', 'validation_invalid_state', `One of ${JOB_STATES.join(', ')}.`);
    return services.jobs.list({
      state: q.state as JobState | undefined,
      queue: q.queue,
      name: q.name,
      page: positive(q.page, 'page'),
      perPage: positive(q.perPage, 'perPage'),
    });
  });

  server.get<{ Params: { id: string } }>('/api/basalt/jobs/:id', async (request) => {
    requireSuperuser(request, services);
    const job = await services.jobs.get(request.params.id);
    if (!job) throw new ApiError('not_found');
    return job;
  });

  server.post('/api/basalt/jobs', async (request) => {
    requireSuperuser(request, services);
    const body = request.body;
    if (!isPlainObject(body)) throw new ApiError('validation_failed', 'The body must be a JSON object.');
    const options: EnqueueOptions = {};
    for (const key of ENQUEUE_KEYS)
      if (body[key] !== undefined) (options as Record<string, unknown>)[key] = body[key];
    return services.jobs.enqueue(body.name as string, body.payload, options);
  });

  server.post<{ Params: { id: string } }>('/api/basalt/jobs/:id/retry', async (request) => {
    requireSuperuser(request, services);
    if (!(await services.jobs.retry(request.params.id)))
      await refuse(services, request.params.id, 'retried', 'dead, cancelled or done');
    return services.jobs.get(request.params.id);
  });

  server.post<{ Params: { id: string } }>('/api/basalt/jobs/:id/cancel', async (request) => {
    requireSuperuser(request, services);
    if (!(await services.jobs.cancel(request.params.id)))
      await refuse(services, request.params.id, 'cancelled', 'queued or running');
    return services.jobs.get(request.params.id);
  });

  // purge the dead letter (or another finished state with ?state=) of every queue or one
  server.delete('/api/basalt/jobs', async (request) => {
    requireSuperuser(request, services);
    const q = stringValues(request.query);
    const state = q.state ?? 'dead';
    if (state !== 'dead' && state !== 'done' && state !== 'cancelled')
      throw invalidField(
        'state',
        'validation_invalid_state',
        'Only dead, done or cancelled jobs can be purged.',
      );
    return { deleted: await services.jobs.purge(state, q.queue) };
  });
}

async function refuse(services: ApiServices, id: string, verb: string, allowed: string): Promise<never> {
  const job = await services.jobs.get(id);
  if (!job) throw new ApiError('not_found');
  throw new ApiError('bad_request', `Only ${allowed} jobs can be ${verb}; this one is ${job.state}.`, {
    state: fieldError('validation_invalid_state', `The job is ${job.state}.`),
  });
}

function positive(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw invalidField(field, 'validation_invalid_number', 'Must be a positive integer.');
  return n;
}

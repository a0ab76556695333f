import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Collection } from '../data/collection-types.ts';
import type { RecordContext } from '../data/records/record-context.ts';
import { parseExpand } from '../data/records/record-expand.ts';
import { parseFields, pickFields } from '../data/records/record-fields.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import type { ApiServices } from './api-services.ts';
import { writeWithFiles } from './files-write.ts';
import { answerThroughHook } from './record-request-hooks.ts';
import { recordContext, stringValues } from './request-context.ts';

type Params = { collection: string; id: string };

/** The records API: `/api/collections/{collection}/records[/{id}]`. */
export function registerRecordRoutes(server: FastifyInstance, services: ApiServices): void {
  const { records, collections } = services;
  const base = '/api/collections/:collection/records';
  // app code's request-level hooks (onRecordCreateRequest …) wrap each handler
  const hooks = services.requestHooks;

  server.get<{ Params: Params }>(base, async (request, reply) => {
    const collection = collections.require(request.params.collection);
    const query = stringValues(request.query);
    const ctx = recordContext(request, services);
    return answerThroughHook(hooks?.list, { collection, id: null, request, reply, ctx }, async () => {
      const fields = query.fields ? parseFields(query.fields) : null;
      const result = await records.list(collection, records.parseListParams(query), ctx);
      const items = await records.toJSON(collection, result.items, ctx, query.expand);
      return { ...result, items: fields ? pickFields(items, fields) : items };
    });
  });

  server.get<{ Params: Params }>(`${base}/:id`, async (request, reply) => {
    const { collection, ctx } = prepare(request, services);
    const id = request.params.id;
    return answerThroughHook(hooks?.view, { collection, id, request, reply, ctx }, async () =>
      answer(services, collection, await records.view(collection, id, ctx), ctx),
    );
  });

  server.post<{ Params: Params }>(base, async (request, reply) => {
    const { collection, ctx } = prepare(request, services);
    return answerThroughHook(hooks?.create, { collection, id: null, request, reply, ctx }, async () => {
      const row = await writeWithFiles(services, request, collection, null, (body) =>
        records.create(collection, body, ctx),
      );
      return answer(services, collection, row, ctx);
    });
  });

  server.patch<{ Params: Params }>(`${base}/:id`, async (request, reply) => {
    const { collection, ctx } = prepare(request, services);
    const id = request.params.id;
    return answerThroughHook(hooks?.update, { collection, id, request, reply, ctx }, async () => {
      const row = await writeWithFiles(services, request, collection, id, (body) =>
        records.update(collection, id, body, ctx),
      );
      return answer(services, collection, row, ctx);
    });
  });

  server.delete<{ Params: Params }>(`${base}/:id`, async (request, reply) => {
    const { collection, ctx } = prepare(request, services);
    const id = request.params.id;
    return answerThroughHook(hooks?.delete, { collection, id, request, reply, ctx }, async () => {
      await records.delete(collection, id, ctx);
      return undefined;
    });
  });
}

function prepare(
  request: FastifyRequest<{ Params: Params }>,
  services: ApiServices,
): { collection: Collection; ctx: RecordContext } {
  const collection = services.collections.require(request.params.collection);
  const ctx = recordContext(request, services);
  // fail fast on a bad `fields` before any write happens (ctx.query holds the query string's values)
  const query = ctx.query;
  if (query.fields) parseFields(query.fields);
  if (query.expand) parseExpand(query.expand, services.records.limits.expandMaxDepth);
  return { collection, ctx };
}

/** One record in its API form, with the request's `expand` and `fields` applied. */
export async function answer(
  services: ApiServices,
  collection: Collection,
  row: RecordRow,
  ctx: RecordContext,
): Promise<unknown> {
  const query = ctx.query;
  const [json] = await services.records.toJSON(collection, [row], ctx, query.expand);
  const fields = query.fields ? parseFields(query.fields) : null;
  return fields ? pickFields(json, fields) : json;
}

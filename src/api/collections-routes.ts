import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Collection } from '../data/collection-types.ts';
import { collectionToJSON } from '../data/collections/collection-store.ts';
import { compileFilter, compileSort } from '../data/filter/index.ts';
import { pickFields, parseFields } from '../data/records/record-fields.ts';
import { parseListParams } from '../data/records/record-list-params.ts';
import { ApiError } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser, stringValues } from './request-context.ts';

// The shape the filter compiler sees when clients filter the collections list.
const COLLECTIONS_SCHEMA: Collection = {
  id: '_collections',
  name: '_collections',
  type: 'base',
  system: true,
  fields: ['id', 'name', 'type', 'created', 'updated']
    .map((name) => ({
      id: name,
      name,
      type: 'text' as const,
      system: true,
      hidden: false,
      presentable: false,
    }))
    .concat([
      {
        id: 'system',
        name: 'system',
        type: 'bool' as never,
        system: true,
        hidden: false,
        presentable: false,
      },
    ]),
  indexes: [],
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
  created: '',
  updated: '',
};

/** The collections API (superusers only), PocketBase paths and shapes. */
export function registerCollectionRoutes(server: FastifyInstance, services: ApiServices): void {
  const { collections, db } = services;
  // every collections route is superuser-only; the guard is per route so record and
  // auth routes under the same prefix are not matched by URL text
  const superusersOnly = {
    preHandler: async (request: FastifyRequest) => requireSuperuser(request, services),
  };

  server.get('/api/collections', superusersOnly, async (request) => {
    const query = stringValues(request.query);
    const params = parseListParams(query, {
      perPageMax: services.records.limits.perPageMax,
      perPageDefault: 30,
    });
    const options = {
      dialect: db.dialect,
      schema: { collection: () => undefined },
      collection: COLLECTIONS_SCHEMA,
      tableAlias: 't',
      allowHiddenFields: true,
    };
    const filter = params.filter ? compileFilter(params.filter, options) : { sql: '1=1', params: [] };
    const sort = params.sort
      ? compileSort(params.sort, options)
      : { sql: '"t"."created" ASC, "t"."id" ASC', params: [] };
    const ids = await db.all<{ id: string }>(
      `SELECT "t"."id" FROM "_collections" "t" WHERE ${filter.sql} ORDER BY ${sort.sql} LIMIT ? OFFSET ?`,
      [...filter.params, ...sort.params, params.perPage, (params.page - 1) * params.perPage],
    );
    const total = params.skipTotal
      ? -1
      : Number(
          (
            await db.get<{ n: number }>(
              `SELECT COUNT(*) AS n FROM "_collections" "t" WHERE ${filter.sql}`,
              filter.params,
            )
          )?.n ?? 0,
        );
    const items = ids.flatMap(({ id }) => {
      const c = collections.registry.byId(id);
      return c ? [collectionToJSON(c)] : [];
    });
    const picked = pick(items, query.fields);
    return {
      page: params.page,
      perPage: params.perPage,
      totalItems: total,
      totalPages: total < 0 ? -1 : Math.ceil(total / params.perPage),
      items: picked,
    };
  });

  server.get<{ Params: { collection: string } }>(
    '/api/collections/:collection',
    superusersOnly,
    async (request) => {
      return pick(
        collectionToJSON(collections.require(request.params.collection)),
        stringValues(request.query).fields,
      );
    },
  );

  server.post('/api/collections', superusersOnly, async (request) =>
    collectionToJSON(await collections.create(bodyObject(request.body))),
  );

  server.patch<{ Params: { collection: string } }>(
    '/api/collections/:collection',
    superusersOnly,
    async (request) =>
      collectionToJSON(await collections.update(request.params.collection, bodyObject(request.body))),
  );

  server.delete<{ Params: { collection: string } }>(
    '/api/collections/:collection',
    superusersOnly,
    async (request, reply) => {
      await collections.delete(request.params.collection);
      reply.code(204).send();
    },
  );

  server.delete<{ Params: { collection: string } }>(
    '/api/collections/:collection/truncate',
    superusersOnly,
    async (request, reply) => {
      await services.records.truncate(collections.require(request.params.collection));
      reply.code(204).send();
    },
  );

  server.put('/api/collections/import', superusersOnly, async (request, reply) => {
    const body = bodyObject(request.body);
    if (!Array.isArray(body.collections) || body.collections.length === 0) {
      throw new ApiError('validation_failed', 'Failed to import the collections.', {
        collections: { code: 'validation_required', message: 'Cannot be blank.' },
      });
    }
    await collections.import(body.collections, body.deleteMissing === true);
    reply.code(204).send();
  });
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isPlainObject(body))
    throw new ApiError('validation_failed', 'The request body must be a JSON object.');
  return body;
}

function pick<T>(value: T, fields: string | undefined): T {
  const tree = fields ? parseFields(fields) : null;
  return tree ? (pickFields(value, tree) as T) : value;
}

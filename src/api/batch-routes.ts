import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/driver.ts';
import type { RecordContext } from '../data/records/record-context.ts';
import { parseFields, pickFields } from '../data/records/record-fields.ts';
import { ApiError, type ErrorData, fieldError } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';
import { toApiError } from './api-error.ts';
import type { ApiServices } from './api-services.ts';
import { readRecordBody } from './record-body.ts';
import { recordContext } from './request-context.ts';

interface BatchItem {
  method: string;
  url: string;
  body?: Record<string, unknown>;
}

const RECORDS_URL = /^\/api\/collections\/([^/?#]+)\/records(?:\/([^/?#]+))?\/?(?:\?(.*))?$/;

/**
 * `POST /api/batch`: record creates, upserts, updates and deletes in one transaction.
 * Either all commit or none; the failing item is named in the error. Enabled and
 * limited by the `batch` settings, as PocketBase does.
 */
export function registerBatchRoutes(server: FastifyInstance, services: ApiServices): void {
  // `batch.maxBodySize` (0 = no extra limit) is checked before the body is read
  const onRequest = async (request: FastifyRequest) => {
    const max = services.settings.get().batch.maxBodySize;
    const length = Number(request.headers['content-length'] ?? 0);
    if (max > 0 && length > max) {
      throw new ApiError(
        'payload_too_large',
        `The batch body exceeds the batch.maxBodySize setting (${max} bytes).`,
      );
    }
  };
  server.post('/api/batch', { onRequest }, async (request) => {
    const settings = services.settings.get().batch;
    if (!settings.enabled || settings.maxRequests <= 0)
      throw new ApiError('forbidden', 'Batch requests are not allowed.');
    const items = await readItems(request, settings.maxRequests);
    const base = recordContext(request, services);
    const afterCommit: (() => void)[] = [];
    const deadline = settings.timeout > 0 ? Date.now() + settings.timeout * 1000 : Number.POSITIVE_INFINITY;
    const responses = await services.db.transaction(async (tx) => {
      const out: { status: number; body: unknown }[] = [];
      for (const [index, item] of items.entries()) {
        if (Date.now() > deadline)
          throw failed(index, new ApiError('bad_request', 'Batch transaction timed out.'));
        try {
          out.push(await runItem(services, item, { ...base, tx, afterCommit }, tx));
        } catch (error) {
          throw failed(index, toApiError(error));
        }
      }
      return out;
    });
    for (const deliver of afterCommit) deliver();
    return responses;
  });
}

async function readItems(request: FastifyRequest, max: number): Promise<BatchItem[]> {
  const body = request.isMultipart() ? await readRecordBody(request) : request.body;
  const requests = isPlainObject(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw invalid({ requests: fieldError('validation_required', 'Cannot be blank.') });
  }
  if (requests.length > max)
    throw invalid({
      requests: fieldError('validation_length_too_long', `The length must be no more than ${max}.`),
    });
  const problems: ErrorData = {};
  requests.forEach((r, i) => {
    if (!isPlainObject(r) || typeof r.method !== 'string' || typeof r.url !== 'string') {
      problems[i] = fieldError('validation_invalid_request', 'Each request needs a method and a url.');
    } else if (r.body !== undefined && !isPlainObject(r.body)) {
      problems[i] = fieldError('validation_invalid_body', 'The body must be a JSON object.');
    }
  });
  if (Object.keys(problems).length) throw invalid({ requests: problems });
  return requests as BatchItem[];
}

function invalid(data: ErrorData): ApiError {
  return new ApiError('validation_failed', 'Invalid batch request data.', data);
}

function failed(index: number, error: ApiError): ApiError {
  return new ApiError('validation_failed', 'Batch transaction failed.', {
    requests: {
      [index]: { code: 'batch_request_failed', message: 'Batch request failed.', response: error.toJSON() },
    },
  });
}

async function runItem(
  services: ApiServices,
  item: BatchItem,
  ctx: RecordContext,
  tx: Queryable,
): Promise<{ status: number; body: unknown }> {
  const match = RECORDS_URL.exec(item.url);
  const method = item.method.toUpperCase();
  if (!match)
    throw new ApiError(
      'bad_request',
      `Unsupported batch action: ${method} ${item.url} (only record create, upsert, update and delete).`,
    );
  const collection = services.collections.require(decodeURIComponent(match[1]));
  const id = match[2] ? decodeURIComponent(match[2]) : undefined;
  const query = Object.fromEntries(new URLSearchParams(match[3] ?? ''));
  const body = item.body ?? {};
  const { records } = services;
  let row: import('../data/records/record-output.ts').RecordRow;
  if (method === 'POST' && !id) row = await records.create(collection, body, ctx);
  else if (method === 'PUT' && !id) row = await upsert(services, collection, body, ctx, tx);
  else if (method === 'PATCH' && id) row = await records.update(collection, id, body, ctx);
  else if (method === 'DELETE' && id) {
    await records.delete(collection, id, ctx);
    return { status: 204, body: null };
  } else throw new ApiError('bad_request', `Unsupported batch action: ${method} ${item.url}.`);
  const [json] = await records.toJSON(collection, [row], ctx, query.expand);
  return { status: 200, body: query.fields ? pickFields(json, parseFields(query.fields)!) : json };
}

async function upsert(
  services: ApiServices,
  collection: import('../data/collection-types.ts').Collection,
  body: Record<string, unknown>,
  ctx: RecordContext,
  tx: Queryable,
) {
  const id = typeof body.id === 'string' ? body.id : '';
  const q = services.db.dialect.quote;
  const exists =
    id && (await tx.get(`SELECT 1 AS found FROM ${q(collection.name)} WHERE ${q('id')} = ?`, [id]));
  return exists
    ? services.records.update(collection, id, body, ctx)
    : services.records.create(collection, body, ctx);
}

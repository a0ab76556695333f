import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Collection } from '../data/collection-types.ts';
import type { RecordContext } from '../data/records/record-context.ts';
import { parseFields, pickFields } from '../data/records/record-fields.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import type { Queryable } from '../db/driver.ts';
import { ApiError, type ErrorData, fieldError } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';
import type { Settings } from '../settings/settings-service.ts';
import { RecordUploads } from '../storage/index.ts';
import { toApiError } from './api-error.ts';
import type { ApiServices } from './api-services.ts';
import { attachSpooledFiles, BatchFileSpool } from './batch-files.ts';
import { readRecordBody } from './record-body.ts';
import { recordContext } from './request-context.ts';

interface BatchItem {
  method: string;
  url: string;
  body?: Record<string, unknown>;
}

/** What one item acts on, read from its method and URL. */
interface Target {
  action: 'create' | 'upsert' | 'update' | 'delete';
  collection: Collection;
  id?: string;
  query: Record<string, string>;
}

type Answer = { status: number; body: unknown };

const RECORDS_URL = /^\/api\/collections\/([^/?#]+)\/records(?:\/([^/?#]+))?\/?(?:\?(.*))?$/;

/** PocketBase's cap on a batch body when `batch.maxBodySize` is 0 (here: on its files). */
const DEFAULT_FILES_BUDGET = 128 << 20;

/**
 * `POST /api/batch`: record creates, upserts, updates and deletes in one transaction.
 * Either all commit or none; the failing item is named in the error. Enabled and
 * limited by the `batch` settings, as PocketBase does. Items may carry files: they are
 * in storage before the transaction starts, and removed again if it fails.
 */
export function registerBatchRoutes(server: FastifyInstance, services: ApiServices): void {
  // refuse a declared oversize body before reading a byte of it
  const onRequest = async (request: FastifyRequest) => {
    const max = declaredLimit(services.settings.get().batch, request);
    if (Number(request.headers['content-length'] ?? 0) > max) {
      request.raw.headers.connection = 'close';
      throw new ApiError(
        'payload_too_large',
        `The batch body exceeds ${max} bytes (the batch.maxBodySize setting, or --body-limit plus 128 MiB of files).`,
      );
    }
  };
  server.post('/api/batch', { onRequest }, async (request) => {
    const settings = services.settings.get().batch;
    if (!settings.enabled || settings.maxRequests <= 0)
      throw new ApiError('forbidden', 'Batch requests are not allowed.');
    const spool = new BatchFileSpool(settings.maxBodySize > 0 ? settings.maxBodySize : DEFAULT_FILES_BUDGET);
    let items: BatchItem[];
    let stored: RecordUploads[];
    try {
      items = await readItems(request, settings.maxRequests, spool);
      stored = await storeFiles(services, items, spool);
    } finally {
      await spool.remove();
    }
    const afterCommit: (() => void)[] = [];
    let responses: Answer[];
    try {
      responses = await runItems(
        services,
        items,
        { ...recordContext(request, services), afterCommit },
        settings,
      );
    } catch (error) {
      await discardAll(stored);
      throw error;
    }
    // released files (deletes, replaced names) go here: only once the batch committed
    for (const deliver of afterCommit) deliver();
    return responses;
  });
}

/** The largest body a batch may declare: the setting, else the global limit plus PocketBase's 128 MiB for files. */
function declaredLimit(settings: Settings['batch'], request: FastifyRequest): number {
  if (settings.maxBodySize > 0) return settings.maxBodySize;
  const multipart = String(request.headers['content-type'] ?? '').startsWith('multipart/form-data');
  return multipart
    ? (request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY) + DEFAULT_FILES_BUDGET
    : Number.POSITIVE_INFINITY;
}

/** Runs every item in one transaction; the first failure rolls all back and is named by index. */
async function runItems(
  services: ApiServices,
  items: BatchItem[],
  base: RecordContext & { afterCommit: (() => void)[] },
  settings: Settings['batch'],
): Promise<Answer[]> {
  const deadline = settings.timeout > 0 ? Date.now() + settings.timeout * 1000 : Number.POSITIVE_INFINITY;
  return services.db.transaction(async (tx) => {
    const out: Answer[] = [];
    for (const [index, item] of items.entries()) {
      if (Date.now() > deadline)
        throw failed(index, new ApiError('bad_request', 'Batch transaction timed out.'));
      try {
        out.push(await runItem(services, item, { ...base, tx }, tx));
      } catch (error) {
        throw failed(index, toApiError(error));
      }
    }
    return out;
  });
}

async function readItems(request: FastifyRequest, max: number, spool: BatchFileSpool): Promise<BatchItem[]> {
  const body = request.isMultipart() ? await readRecordBody(request, spool) : request.body;
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

/**
 * Puts each item's spooled files in storage under the record they will belong to and
 * their descriptors in the item's body. On any failure, what was stored is removed.
 */
async function storeFiles(
  services: ApiServices,
  items: BatchItem[],
  spool: BatchFileSpool,
): Promise<RecordUploads[]> {
  const stored: RecordUploads[] = [];
  try {
    for (const index of spool.indexes()) {
      const item = items[index];
      if (!item) continue; // PocketBase reads files only for the items it was sent
      try {
        const target = targetOf(services, item);
        if (target.action === 'delete') continue;
        const body = item.body ?? {};
        const uploads = new RecordUploads(services.storage, target.collection, fileOwner(target, body));
        stored.push(uploads);
        item.body = await attachSpooledFiles(uploads, spool.filesOf(index), body);
      } catch (error) {
        throw failed(index, toApiError(error));
      }
    }
  } catch (error) {
    await discardAll(stored);
    throw error;
  }
  return stored;
}

/**
 * The record id files are stored under: the updated record, the id a create or upsert
 * names, or null to let the uploads reserve one for a create (a write of an existing
 * record then needs no copy, and neither does a create with its own id).
 */
function fileOwner(target: Target, body: Record<string, unknown>): string | null {
  if (target.action === 'update') return target.id ?? null;
  return typeof body.id === 'string' && body.id !== '' ? body.id : null;
}

async function discardAll(stored: RecordUploads[]): Promise<void> {
  for (const uploads of stored) await uploads.discard();
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

/** The item's action and collection; an unsupported URL or method is a bad request. */
function targetOf(services: ApiServices, item: BatchItem): Target {
  const match = RECORDS_URL.exec(item.url);
  const method = item.method.toUpperCase();
  if (!match)
    throw new ApiError(
      'bad_request',
      `Unsupported batch action: ${method} ${item.url} (only record create, upsert, update and delete).`,
    );
  const id = match[2] ? decodeURIComponent(match[2]) : undefined;
  const action =
    method === 'POST' && !id
      ? 'create'
      : method === 'PUT' && !id
        ? 'upsert'
        : method === 'PATCH' && id
          ? 'update'
          : method === 'DELETE' && id
            ? 'delete'
            : null;
  if (!action) throw new ApiError('bad_request', `Unsupported batch action: ${method} ${item.url}.`);
  const collection = services.collections.require(decodeURIComponent(match[1]));
  return { action, collection, id, query: Object.fromEntries(new URLSearchParams(match[3] ?? '')) };
}

async function runItem(
  services: ApiServices,
  item: BatchItem,
  ctx: RecordContext,
  tx: Queryable,
): Promise<Answer> {
  const { action, collection, id, query } = targetOf(services, item);
  const body = item.body ?? {};
  const { records } = services;
  let row: RecordRow;
  if (action === 'delete') {
    await records.delete(collection, id as string, ctx);
    return { status: 204, body: null };
  }
  if (action === 'create') row = await records.create(collection, body, ctx);
  else if (action === 'update') row = await records.update(collection, id as string, body, ctx);
  else row = await upsert(services, collection, body, ctx, tx);
  const [json] = await records.toJSON(collection, [row], ctx, query.expand);
  return { status: 200, body: query.fields ? pickFields(json, parseFields(query.fields)!) : json };
}

async function upsert(
  services: ApiServices,
  collection: Collection,
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

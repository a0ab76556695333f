import type { Collection, Field } from '../data/collection-types.ts';
import { compileFilter, compileSort } from '../data/filter/index.ts';
import type { DbDriver, SqlValue } from '../db/index.ts';
import { ApiError } from '../lib/errors.ts';

/** A stored log as PocketBase answers it. */
export interface LogRecord {
  id: string;
  created: string;
  updated: string;
  level: number;
  message: string;
  data: Record<string, unknown>;
}

const field = (name: string, type: Field['type']): Field => ({
  id: `logs_${name}`,
  name,
  type,
  system: true,
  hidden: false,
  presentable: false,
});

/** `_logs` described as a collection, so the filter compiler can check and compile filters over it. */
const LOGS_SCHEMA: Collection = {
  id: '_logs',
  name: '_logs',
  type: 'base',
  system: true,
  fields: [
    field('id', 'text'),
    field('created', 'date'),
    field('updated', 'date'),
    field('level', 'number'),
    field('message', 'text'),
    field('data', 'json'),
  ],
  indexes: [],
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
  created: '',
  updated: '',
};

/** List parameters as `pb.logs.getList` sends them. */
export interface LogListQuery {
  page?: string;
  perPage?: string;
  filter?: string;
  sort?: string;
  skipTotal?: string;
}

/** Filters, sorts and pages request logs (superusers only; checked by the route). */
export class LogsQuery {
  readonly #db: DbDriver;
  constructor(db: DbDriver) {
    this.#db = db;
  }

  /** A page of logs in PocketBase's list shape. */
  async list(query: LogListQuery) {
    const page = positive(query.page, 1);
    const perPage = Math.min(positive(query.perPage, 30), 1000);
    const where = this.#where(query.filter);
    const order = query.sort ? this.#compile(compileSort, query.sort) : { sql: '"created" DESC', params: [] };
    const rows = await this.#db.all<Record<string, unknown>>(
      `SELECT t.* FROM "_logs" t WHERE ${where.sql} ORDER BY ${order.sql}, t."id" DESC LIMIT ? OFFSET ?`,
      [...where.params, ...order.params, perPage, (page - 1) * perPage],
    );
    let totalItems = -1;
    if (query.skipTotal !== 'true' && query.skipTotal !== '1') {
      const count = await this.#db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM "_logs" t WHERE ${where.sql}`,
        where.params,
      );
      totalItems = Number(count?.n ?? 0);
    }
    return {
      page,
      perPage,
      totalItems,
      totalPages: totalItems < 0 ? -1 : Math.ceil(totalItems / perPage),
      items: rows.map(toLog),
    };
  }

  /** One log by id; 404 when missing. */
  async view(id: string): Promise<LogRecord> {
    const row = await this.#db.get<Record<string, unknown>>(`SELECT * FROM "_logs" WHERE "id" = ?`, [id]);
    if (!row) throw new ApiError('not_found');
    return toLog(row);
  }

  /** Hourly counts `[{date, total}]` of the logs matching a filter. */
  async stats(filter?: string): Promise<Array<{ date: string; total: number }>> {
    const where = this.#where(filter);
    const rows = await this.#db.all<{ date: string; total: number }>(
      `SELECT COUNT(t."id") AS total, strftime('%Y-%m-%d %H:00:00', t."created") AS date
       FROM "_logs" t WHERE ${where.sql} GROUP BY date ORDER BY date`,
      where.params,
    );
    return rows.map((r) => ({ date: `${r.date}.000Z`, total: Number(r.total) }));
  }

  #where(filter: string | undefined): { sql: string; params: SqlValue[] } {
    return filter?.trim() ? this.#compile(compileFilter, filter) : { sql: '1=1', params: [] };
  }

  #compile(
    compile: typeof compileFilter | typeof compileSort,
    text: string,
  ): { sql: string; params: SqlValue[] } {
    return compile(text, {
      dialect: this.#db.dialect,
      schema: { collection: (name) => (name === '_logs' ? LOGS_SCHEMA : undefined) },
      collection: LOGS_SCHEMA,
      tableAlias: 't',
      allowHiddenFields: true,
      // ids begin with their time: id order is insertion order (see request-log-sql.ts)
      insertionOrderColumn: 'id',
    });
  }
}

function toLog(row: Record<string, unknown>): LogRecord {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(String(row.data ?? '{}'));
  } catch {}
  return {
    id: String(row.id),
    created: String(row.created),
    updated: String(row.updated),
    level: Number(row.level),
    message: String(row.message),
    data,
  };
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

import type { DbDriver } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import { superuserContext } from '../data/records/record-context.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import { ApiError } from '../lib/errors.ts';
import { SUPERUSERS } from './superusers.ts';

/** Superuser management for the CLI and the framework (no HTTP, full trust). */
export interface SuperuserAdmin {
  upsert(email: string, password: string): Promise<{ created: boolean }>;
  create(email: string, password: string): Promise<void>;
  /** sets a new password; the tokenKey rotates, so every older token stops working */
  update(email: string, password: string): Promise<void>;
  delete(email: string): Promise<void>;
  /** the superuser record with this email, or a 404 ApiError */
  require(email: string): Promise<RecordRow>;
}

/** Builds the superuser admin over the records service (so every write is validated as usual). */
export function createSuperuserAdmin(
  db: DbDriver,
  collections: CollectionsService,
  records: RecordsService,
): SuperuserAdmin {
  const collection = (): Collection => collections.require(SUPERUSERS);
  const find = (email: string) =>
    db.get<RecordRow>(`SELECT * FROM ${db.dialect.quote(SUPERUSERS)} WHERE "email" = ? LIMIT 1`, [email]);
  const admin: SuperuserAdmin = {
    async upsert(email, password) {
      const existing = await find(email);
      if (existing) await admin.update(email, password);
      else await admin.create(email, password);
      return { created: !existing };
    },
    async create(email, password) {
      await records.create(
        collection(),
        { email, password, passwordConfirm: password, verified: true },
        superuserContext(),
      );
    },
    async update(email, password) {
      const existing = await admin.require(email);
      await records.update(
        collection(),
        String(existing.id),
        { password, passwordConfirm: password },
        superuserContext(),
      );
    },
    async delete(email) {
      const existing = await admin.require(email);
      await records.delete(collection(), String(existing.id), superuserContext());
    },
    async require(email) {
      const existing = await find(email);
      if (!existing) throw new ApiError('not_found', `No superuser with the email ${email}.`);
      return existing;
    },
  };
  return admin;
}

import type { Queryable } from '../../db/driver.ts';
import type { CollectionsService } from '../../data/collections/collections-service.ts';
import { autodateFieldDef, defaultIdField } from '../../data/fields/system-fields.ts';
import { superuserContext } from '../../data/records/record-context.ts';
import type { RecordsService } from '../../data/records/records-service.ts';

/** PocketBase's name and id for the collection linking provider accounts to auth records. */
export const EXTERNAL_AUTHS = '_externalAuths';
export const EXTERNAL_AUTHS_ID = 'pbc_2281828961';

/** Owners may list, view and unlink their own links; only the server creates them. */
const OWNER_RULE =
  "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";

const text = (name: string) => ({ name, type: 'text', required: true, system: true, hidden: false });

/** The `_externalAuths` definition: one row per (auth collection, provider, provider user id). */
export function externalAuthsDefinition(): Record<string, unknown> {
  return {
    id: EXTERNAL_AUTHS_ID,
    name: EXTERNAL_AUTHS,
    type: 'base',
    fields: [
      defaultIdField(),
      text('collectionRef'),
      text('recordRef'),
      text('provider'),
      text('providerId'),
      autodateFieldDef('created'),
      autodateFieldDef('updated'),
    ],
    indexes: [
      // a provider account links to one record; a record links once per provider
      `CREATE UNIQUE INDEX \`idx_externalAuths_provider\` ON \`${EXTERNAL_AUTHS}\` (\`collectionRef\`, \`provider\`, \`providerId\`)`,
      `CREATE UNIQUE INDEX \`idx_externalAuths_record\` ON \`${EXTERNAL_AUTHS}\` (\`collectionRef\`, \`recordRef\`, \`provider\`)`,
    ],
    listRule: OWNER_RULE,
    viewRule: OWNER_RULE,
    createRule: null,
    updateRule: null,
    deleteRule: OWNER_RULE,
  };
}

/** Creates `_externalAuths` if missing, and unlinks the accounts of deleted auth records. */
export async function ensureExternalAuths(
  collections: CollectionsService,
  records: RecordsService,
): Promise<void> {
  if (!collections.find(EXTERNAL_AUTHS))
    await collections.create(externalAuthsDefinition(), { system: true, record: false });
  records.onChange((event) => {
    if (event.action !== 'delete' || event.collection.type !== 'auth') return;
    const links = collections.find(EXTERNAL_AUTHS);
    if (!links) return;
    void unlinkRecord(records, links, event.collection.id, String(event.record.id)).catch(() => {});
  });
}

async function unlinkRecord(
  records: RecordsService,
  links: NonNullable<ReturnType<CollectionsService['find']>>,
  collectionId: string,
  recordId: string,
): Promise<void> {
  const rows = await records.list(
    links,
    records.parseListParams({
      filter: `collectionRef = "${collectionId}" && recordRef = "${recordId}"`,
      perPage: '100',
    }),
    superuserContext(),
  );
  for (const row of rows.items) await records.delete(links, String(row.id), superuserContext());
}

/** The record id a provider account is linked to, if any. */
export async function findLink(
  db: Queryable,
  collectionId: string,
  provider: string,
  providerId: string,
): Promise<{ id: string; recordRef: string } | undefined> {
  return db.get<{ id: string; recordRef: string }>(
    `SELECT "id", "recordRef" FROM "${EXTERNAL_AUTHS}" WHERE "collectionRef" = ? AND "provider" = ? AND "providerId" = ? LIMIT 1`,
    [collectionId, provider, providerId],
  );
}

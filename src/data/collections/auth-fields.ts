import type { Collection, Field } from '../collection-types.ts';

/**
 * The system fields every auth collection has, as PocketBase defines them. Field ids
 * are fixed per name so that two data dirs agree on them.
 */
export function authSystemFields(): Field[] {
  const base = { system: true, hidden: false, presentable: false };
  return [
    {
      ...base,
      id: 'password901924565',
      name: 'password',
      type: 'password',
      hidden: true,
      required: true,
      min: 8,
      max: 0,
      pattern: '',
      cost: 0,
    },
    {
      ...base,
      id: 'text2504183744',
      name: 'tokenKey',
      type: 'text',
      hidden: true,
      required: true,
      min: 30,
      max: 60,
      pattern: '',
      autogeneratePattern: '[a-zA-Z0-9]{50}',
      primaryKey: false,
    },
    {
      ...base,
      id: 'email3885137012',
      name: 'email',
      type: 'email',
      required: true,
      exceptDomains: null,
      onlyDomains: null,
    },
    { ...base, id: 'bool1547992806', name: 'emailVisibility', type: 'bool', required: false },
    { ...base, id: 'bool256245529', name: 'verified', type: 'bool', required: false },
  ];
}

/** Adds any missing auth system field (after `id`) and the unique indexes on email and tokenKey. */
export function ensureAuthSystemFields(collection: Collection): void {
  const present = new Set(collection.fields.map((f) => f.name));
  const missing = authSystemFields().filter((f) => !present.has(f.name));
  const idIndex = collection.fields.findIndex((f) => f.name === 'id');
  collection.fields.splice(idIndex + 1, 0, ...missing);
  collection.indexes ??= [];
  const indexes = collection.indexes;
  const wanted = [
    `CREATE UNIQUE INDEX \`idx_tokenKey_${collection.id}\` ON \`${collection.name}\` (\`tokenKey\`)`,
    `CREATE UNIQUE INDEX \`idx_email_${collection.id}\` ON \`${collection.name}\` (\`email\`) WHERE \`email\` != ''`,
  ];
  for (const sql of wanted) {
    const name = /`(idx_[^`]+)`/.exec(sql)![1];
    if (!indexes.some((i) => i.includes(name))) indexes.push(sql);
  }
}

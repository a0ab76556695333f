import type { Field } from '../data/collection-types.ts';
import { autodateFieldDef, defaultIdField } from '../data/fields/system-fields.ts';

/** One-time passwords issued by request-otp (PocketBase's `_otps`). */
export const OTPS = '_otps';
/** First factors waiting for a second one (PocketBase's `_mfas`). */
export const MFAS = '_mfas';
/** Places (address + client) records signed in from, for new-sign-in alerts (PocketBase's `_authOrigins`). */
export const AUTH_ORIGINS = '_authOrigins';

function text(name: string, hidden = false): Field {
  return {
    id: `text_${name}`,
    name,
    type: 'text',
    system: true,
    hidden,
    presentable: false,
    required: true,
    primaryKey: false,
    min: 0,
    max: 0,
    pattern: '',
    autogeneratePattern: '',
  };
}

function systemCollection(name: string, fields: Field[], indexes: string[]): Record<string, unknown> {
  return {
    name,
    type: 'base',
    fields: [defaultIdField(), ...fields, autodateFieldDef('created'), autodateFieldDef('updated')],
    indexes,
    // superusers only: codes and sessions are never listed to clients
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
  };
}

/** Definitions of the system collections auth keeps, created on first start. */
export function authSystemCollections(): Record<string, unknown>[] {
  return [
    systemCollection(
      OTPS,
      [
        text('collectionRef'),
        text('recordRef'),
        text('password', true),
        { ...text('sentTo'), required: false },
      ],
      [`CREATE INDEX \`idx_otps_record\` ON \`${OTPS}\` (\`collectionRef\`, \`recordRef\`)`],
    ),
    systemCollection(
      AUTH_ORIGINS,
      [text('collectionRef'), text('recordRef'), text('fingerprint')],
      [
        `CREATE UNIQUE INDEX \`idx_authOrigins_unique\` ON \`${AUTH_ORIGINS}\` (\`collectionRef\`, \`recordRef\`, \`fingerprint\`)`,
      ],
    ),
    systemCollection(
      MFAS,
      [text('collectionRef'), text('recordRef'), text('method')],
      [`CREATE INDEX \`idx_mfas_record\` ON \`${MFAS}\` (\`collectionRef\`, \`recordRef\`)`],
    ),
  ];
}

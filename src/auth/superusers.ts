import { autodateFieldDef, defaultIdField } from '../data/fields/system-fields.ts';
import { randomString } from '../lib/random.ts';

/** PocketBase's id for the superusers collection, kept so SDK code that names it works. */
export const SUPERUSERS_ID = 'pbc_3142635823';
export const SUPERUSERS = '_superusers';

/** The definition of `_superusers`, created at first bootstrap. */
export function superusersDefinition(): Record<string, unknown> {
  return {
    id: SUPERUSERS_ID,
    name: SUPERUSERS,
    type: 'auth',
    fields: [defaultIdField(), autodateFieldDef('created'), autodateFieldDef('updated')],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    authRule: '',
    manageRule: null,
    authToken: { secret: randomString(50), duration: 86400 },
    passwordAuth: { enabled: true, identityFields: ['email'] },
  };
}

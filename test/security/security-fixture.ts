import { SignJWT } from 'jose';
import type PocketBase from 'pocketbase';
import type { TestServer } from '../helpers/server.ts';

export const PASSWORD = 'security-pass-123';

/** Creates an auth collection and users in it; answers their ids. */
export async function authCollectionWithUsers(
  admin: PocketBase,
  name: string,
  emails: string[],
  rules: Record<string, string | null> = {},
): Promise<Record<string, string>> {
  await admin.collections.create({
    name,
    type: 'auth',
    fields: [{ name: 'role', type: 'text' }],
    listRule: 'id = @request.auth.id',
    viewRule: 'id = @request.auth.id',
    updateRule: 'id = @request.auth.id',
    ...rules,
  });
  const ids: Record<string, string> = {};
  for (const email of emails)
    ids[email] = (
      await admin
        .collection(name)
        .create({ email, password: PASSWORD, passwordConfirm: PASSWORD, verified: true })
    ).id;
  return ids;
}

/**
 * Signs a token the way an attacker who knew the keys would, to prove that only the
 * claims we check (type, collection, expiry, key) make a token valid.
 */
export async function craftToken(
  server: TestServer,
  collectionName: string,
  recordId: string,
  claims: Record<string, unknown>,
  options: { expiresIn?: number; keyOf?: string } = {},
): Promise<string> {
  const services = server.app.services;
  const collection = services.collections.find(options.keyOf ?? collectionName);
  if (!collection) throw new Error(`no collection ${collectionName}`);
  const secret = (collection.authToken as { secret: string }).secret;
  const row = await services.db.get<{ tokenKey: string }>(
    `SELECT "tokenKey" FROM "${collection.name}" WHERE "id" = ?`,
    [recordId],
  );
  const key = new TextEncoder().encode(`${row?.tokenKey ?? 'none'}${secret}`);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    id: recordId,
    type: 'auth',
    collectionId: collection.id,
    refreshable: true,
    ...claims,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(key);
}

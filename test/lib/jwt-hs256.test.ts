import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { verifyHs256 } from '../../src/lib/jwt-hs256.ts';

const key = new TextEncoder().encode('k'.repeat(40));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function sign(payload: Record<string, unknown>, alg = 'HS256', signingKey = key): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(signingKey);
}

describe('verifyHs256', () => {
  const exp = Math.floor(Date.now() / 1000) + 60;

  it('accepts a token jose signed with the same key', async () => {
    assert.deepEqual(verifyHs256(await sign({ id: 'a', exp }), key), { id: 'a', exp });
  });

  it('refuses a tampered payload, a wrong key, an expired or exp-less token', async () => {
    const [h, , s] = (await sign({ id: 'a', exp })).split('.');
    assert.equal(verifyHs256(`${h}.${b64({ id: 'b', exp })}.${s}`, key), null);
    assert.equal(
      verifyHs256(await sign({ id: 'a', exp }, 'HS256', new TextEncoder().encode('x'.repeat(40))), key),
      null,
    );
    assert.equal(verifyHs256(await sign({ id: 'a', exp: exp - 120 }), key), null);
    assert.equal(verifyHs256(await sign({ id: 'a' }), key), null);
  });

  it('refuses alg none, other algorithms and malformed tokens', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ id: 'a', exp })}.`;
    assert.equal(verifyHs256(none, key), null);
    assert.equal(verifyHs256(await sign({ id: 'a', exp }, 'HS512'), key), null);
    for (const bad of ['', 'a.b', 'a.b.c.d', '!!.??.==']) assert.equal(verifyHs256(bad, key), null);
  });
});

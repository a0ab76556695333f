import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { logsSettingsSection } from '../../src/observability/logs-settings.ts';
import { requestLogMessage } from '../../src/observability/request-log-row.ts';
import { type RequestFacts, requestLogData } from '../helpers/request-facts.ts';

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  url: '/api/collections/posts/records?page=2',
  status: 200,
  ms: 1.23456,
  referer: '',
  userAgent: 'autocannon/8',
  principal: undefined,
  requestId: '6f1c2b',
  ip: '10.0.0.7',
  remoteIP: '127.0.0.1',
  traceId: undefined,
  ...over,
});

/** What the stored data was before it was written from a template: JSON.stringify of an object. */
function asObject(f: RequestFacts, settings: { logIP: boolean; logAuthId: boolean }) {
  const [auth = '', authId = ''] = f.principal ? f.principal.split('/') : [];
  const data: Record<string, unknown> = {
    type: 'request',
    execTime: Math.round(f.ms * 1000) / 1000,
    url: f.url.slice(0, 3000),
    method: f.method,
    status: f.status,
    referer: f.referer.slice(0, 2000),
    userAgent: f.userAgent.slice(0, 2000),
    auth,
    requestId: f.requestId,
  };
  if (settings.logAuthId && authId) data.authId = authId;
  if (settings.logIP) {
    data.userIP = f.ip;
    data.remoteIP = f.remoteIP;
  }
  if (f.traceId) data.traceId = f.traceId;
  return data;
}

describe('requestLogData', () => {
  const cases: [string, Partial<RequestFacts>][] = [
    ['a guest view', {}],
    ['quotes, backslashes and control characters', { url: '/a?q="x"\\y', userAgent: 'tab\there\nnl\u0001' }],
    ['non-ASCII, emoji and a lone surrogate', { url: '/ünï/😀', userAgent: 'bad \ud800 half' }],
    ['a signed-in caller and a trace', { principal: 'users/8d2k3n1x9q0w7e5', traceId: '4bf92f35' }],
    ['an API key', { principal: 'apikey/k1' }],
    ['an error with a slow answer', { status: 503, ms: 1234.5678 }],
    ['headers and URLs past their limits', { url: `/${'u'.repeat(4000)}`, referer: 'r'.repeat(2500) }],
  ];
  const settingsCases = [
    logsSettingsSection.defaults(),
    { ...logsSettingsSection.defaults(), logIP: false, logAuthId: true },
  ];
  for (const [name, over] of cases)
    for (const settings of settingsCases)
      test(`${name} (logIP ${settings.logIP}, logAuthId ${settings.logAuthId})`, () => {
        const text = requestLogData(facts(over), settings);
        assert.equal(text, JSON.stringify(asObject(facts(over), settings)));
        assert.deepEqual(JSON.parse(text), asObject(facts(over), settings));
      });
});

describe('requestLogMessage', () => {
  test('method and path, escapes decoded when valid', () => {
    assert.equal(requestLogMessage('GET', '/api/x?a=1'), 'GET /api/x?a=1');
    assert.equal(requestLogMessage('GET', '/api/%C3%BC'), 'GET /api/ü');
    assert.equal(requestLogMessage('POST', '/api/%E0%A4%A'), 'POST /api/%E0%A4%A');
  });
});

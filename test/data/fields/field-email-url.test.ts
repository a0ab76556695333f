import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailField } from '../../../src/data/fields/field-email.ts';
import { urlField } from '../../../src/data/fields/field-url.ts';
import { assertProblem, codes, created, makeField, optionsCtx, updated } from './field-helpers.ts';

describe('email and url fields: domain options', () => {
  for (const kind of [emailField, urlField]) {
    it(`${kind.type}: fills null lists`, () => {
      const field = makeField(kind.type);
      assert.equal(kind.normalizeOptions(field, optionsCtx(field)), null);
      assert.deepEqual([field.exceptDomains, field.onlyDomains, field.required], [null, null, false]);
    });
    it(`${kind.type}: refuses both lists at once`, () => {
      const field = makeField(kind.type, { exceptDomains: ['a.com'], onlyDomains: ['b.com'] });
      const result = codes(kind.normalizeOptions(field, optionsCtx(field)));
      assert.deepEqual(result, { exceptDomains: 'validation_empty', onlyDomains: 'validation_empty' });
    });
    it(`${kind.type}: names the bad domain item`, () => {
      const field = makeField(kind.type, { onlyDomains: ['good.com', 'not a domain'] });
      const result = codes(kind.normalizeOptions(field, optionsCtx(field)));
      assert.deepEqual(result, { onlyDomains: { 1: 'validation_is_domain' } });
    });
  }
});

describe('email field: values', () => {
  const valid = ['a@example.com', 'first.last+tag@sub.example.org', "o'brien@mail.co"];
  for (const input of valid) {
    it(`accepts ${input}`, () => assert.equal(emailField.prepare(makeField('email'), input, created), input));
  }
  const invalid = [
    'plain',
    '@example.com',
    'a@',
    'a@localhost',
    'a..b@example.com',
    '.a@example.com',
    'a b@example.com',
  ];
  for (const input of invalid) {
    it(`refuses ${input}`, () => {
      assertProblem(() => emailField.prepare(makeField('email'), input, created), 'validation_is_email');
    });
  }
  it('applies the domain lists', () => {
    const only = makeField('email', { onlyDomains: ['example.com'] });
    assert.equal(emailField.prepare(only, 'a@example.com', created), 'a@example.com');
    assertProblem(
      () => emailField.prepare(only, 'a@other.com', created),
      'validation_email_domain_not_allowed',
    );
    const except = makeField('email', { exceptDomains: ['spam.com'] });
    assertProblem(
      () => emailField.prepare(except, 'a@spam.com', created),
      'validation_email_domain_not_allowed',
    );
  });
  it('handles empty and required', () => {
    assert.equal(emailField.prepare(makeField('email'), '', created), '');
    assertProblem(
      () => emailField.prepare(makeField('email', { required: true }), '', created),
      'validation_required',
    );
    assert.equal(emailField.prepare(makeField('email'), undefined, updated('x@y.io')), 'x@y.io');
    assert.equal(emailField.output(makeField('email'), null), '');
  });
});

describe('url field: values', () => {
  const valid = [
    'https://example.com',
    'http://localhost:8090/a?b=c',
    'example.com/path',
    'ws://10.0.0.1',
    'https://sub.example.co.uk/#x',
  ];
  for (const input of valid) {
    it(`accepts ${input}`, () => assert.equal(urlField.prepare(makeField('url'), input, created), input));
  }
  const invalid = [
    'not a url',
    'mailto:a@b.com',
    'javascript:alert(1)',
    'https://',
    'http://exa mple.com',
    'ftp//x',
  ];
  for (const input of invalid) {
    it(`refuses ${input}`, () => {
      assertProblem(() => urlField.prepare(makeField('url'), input, created), 'validation_invalid_url');
    });
  }
  it('matches domain lists on the host name', () => {
    const only = makeField('url', { onlyDomains: ['example.com'] });
    assert.equal(urlField.prepare(only, 'https://example.com:8443/x', created), 'https://example.com:8443/x');
    assertProblem(
      () => urlField.prepare(only, 'https://sub.example.com', created),
      'validation_url_domain_not_allowed',
    );
    const except = makeField('url', { exceptDomains: ['bad.io'] });
    assertProblem(
      () => urlField.prepare(except, 'http://bad.io', created),
      'validation_url_domain_not_allowed',
    );
  });
  it('handles required', () => {
    assertProblem(
      () => urlField.prepare(makeField('url', { required: true }), null, created),
      'validation_required',
    );
  });
});

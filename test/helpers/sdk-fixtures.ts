import assert from 'node:assert/strict';
import type PocketBase from 'pocketbase';
import { ClientResponseError } from 'pocketbase';

let counter = 0;

/** A collection name unique within this process (and across files, by pid). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

/**
 * Asserts that `promise` rejects with a ClientResponseError of `status`; answers the
 * error's response body (`{status, message, data}`) for further checks.
 */
export async function expectApiError(
  promise: Promise<unknown>,
  status: number,
): Promise<{ status: number; message: string; data: Record<string, any> }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ClientResponseError, `expected a ClientResponseError, got ${error}`);
    assert.equal(error.status, status, `status (response: ${JSON.stringify(error.response)})`);
    return error.response as { status: number; message: string; data: Record<string, any> };
  }
  assert.fail(`expected the request to fail with ${status}, but it succeeded`);
}

/** Reads `data` at a dotted path like `fields.0.name`; answers undefined when absent. */
export function at(data: unknown, path: string): any {
  let node: any = data;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[key];
  }
  return node;
}

/** Asserts that the error data holds a `{code, message}` problem at `path` with `code`. */
export function assertProblem(data: unknown, path: string, code?: string): void {
  const problem = at(data, path);
  assert.ok(
    problem && typeof problem.code === 'string' && typeof problem.message === 'string',
    `expected a {code, message} problem at data.${path}, data was ${JSON.stringify(data)}`,
  );
  if (code) assert.equal(problem.code, code, `code at data.${path}`);
}

/** Creates a base collection with the given fields (and optional extra options). */
export async function createBase(
  pb: PocketBase,
  prefix: string,
  fields: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Promise<any> {
  return pb.collections.create({ name: uniqueName(prefix), type: 'base', fields, ...extra });
}

/** Enables batch requests with the given limit. */
export async function enableBatch(pb: PocketBase, maxRequests = 50): Promise<void> {
  await pb.settings.update({ batch: { enabled: true, maxRequests, timeout: 10, maxBodySize: 0 } });
}

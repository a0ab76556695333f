import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An S3 service we did not write (the `s3rver` package), on a free port with one bucket. */
export interface ThirdPartyS3 {
  /** a storage URL for the bucket, e.g. `s3://KEY:SECRET@test?endpoint=…&forcePathStyle=true` */
  storageUrl(prefix?: string): string;
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts s3rver with a fresh directory and the bucket `test`. */
export async function startS3rver(): Promise<ThirdPartyS3> {
  // s3rver ships no types; the slice of it used here is typed by hand
  const { default: S3rver } = (await import('s3rver' as string)) as {
    default: new (options: object) => { run(): Promise<unknown>; close(): Promise<void> };
  };
  const dir = mkdtempSync(join(tmpdir(), 'basalt-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'test', configs: [] }],
  });
  const address = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    storageUrl: (prefix = '') =>
      `s3://S3RVER:S3RVER@test/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

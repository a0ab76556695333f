import { hideUrlPasswords } from '../../lib/url-password.ts';
/** Where an `s3://` storage URL points, and how to reach it. */
export interface S3Location {
  bucket: string;
  /** key prefix inside the bucket, '' or ending in `/` */
  prefix: string;
  client: {
    region: string;
    endpoint?: string;
    forcePathStyle: boolean;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
}

/**
 * Reads `s3://[accessKey:secret@]bucket[/prefix]?endpoint=URL&region=R&forcePathStyle=true`.
 * Without credentials in the URL the AWS SDK's own chain applies (AWS_ACCESS_KEY_ID…).
 */
export function parseS3Url(url: string): S3Location {
  const parsed = new URL(url);
  const bucket = decodeURIComponent(parsed.hostname);
  if (!bucket) throw new Error(`The storage URL ${redact(url)} names no bucket: use s3://BUCKET?endpoint=…`);
  const path = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
  const q = parsed.searchParams;
  const user = decodeURIComponent(parsed.username);
  return {
    bucket,
    prefix: path ? `${path}/` : '',
    client: {
      region: q.get('region') || process.env.AWS_REGION || 'us-east-1',
      endpoint: q.get('endpoint') || undefined,
      forcePathStyle: q.get('forcePathStyle') === 'true',
      credentials: user
        ? { accessKeyId: user, secretAccessKey: decodeURIComponent(parsed.password) }
        : undefined,
    },
  };
}

/** The URL with its secret hidden, for messages. */
export const redact = hideUrlPasswords;

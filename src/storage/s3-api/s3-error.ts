/** S3 error codes Basalt answers, with their HTTP status and default message. */
export const S3_ERRORS = {
  AccessDenied: [403, 'Access Denied.'],
  InvalidAccessKeyId: [403, 'The AWS access key Id you provided does not exist in our records.'],
  SignatureDoesNotMatch: [
    403,
    'The request signature we calculated does not match the signature you provided.',
  ],
  RequestTimeTooSkewed: [403, 'The difference between the request time and the server time is too large.'],
  AuthorizationHeaderMalformed: [400, 'The authorization header is malformed.'],
  AuthorizationQueryParametersError: [400, 'The presigned URL parameters are malformed.'],
  XAmzContentSHA256Mismatch: [
    400,
    'The provided x-amz-content-sha256 header does not match what was computed.',
  ],
  BadDigest: [400, 'The Content-MD5 you specified did not match what we received.'],
  InvalidDigest: [400, 'The Content-MD5 you specified is not valid.'],
  IncompleteBody: [
    400,
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  ],
  InvalidArgument: [400, 'Invalid Argument.'],
  InvalidRequest: [400, 'Invalid Request.'],
  InvalidBucketName: [400, 'The specified bucket is not valid.'],
  KeyTooLongError: [400, 'Your key is too long.'],
  MalformedXML: [
    400,
    'The XML you provided was not well-formed or did not validate against our published schema.',
  ],
  InvalidPart: [400, 'One or more of the specified parts could not be found.'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order.'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed object size.'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  NoSuchBucket: [404, 'The specified bucket does not exist.'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchUpload: [404, 'The specified multipart upload does not exist.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  BucketAlreadyOwnedByYou: [409, 'The bucket you tried to create already exists, and you own it.'],
  BucketNotEmpty: [409, 'The bucket you tried to delete is not empty.'],
  PreconditionFailed: [412, 'At least one of the preconditions you specified did not hold.'],
  InvalidRange: [416, 'The requested range is not satisfiable.'],
  NotImplemented: [501, 'A header or operation you provided implies functionality that is not implemented.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
} as const;

export type S3ErrorCode = keyof typeof S3_ERRORS;

/** An S3-shaped failure, answered as `<Error><Code>…</Code>…</Error>` with its status. */
export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  /** the bucket or key the error is about, echoed as <Resource> */
  readonly resource: string;

  constructor(code: S3ErrorCode, message?: string, resource = '') {
    super(message ?? S3_ERRORS[code][1]);
    this.name = 'S3Error';
    this.code = code;
    this.status = S3_ERRORS[code][0];
    this.resource = resource;
  }
}

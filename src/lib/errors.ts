/**
 * The error catalogue. Every error Basalt answers with is an `ApiError`, serialized in
 * PocketBase's shape `{status, message, data}`. Field problems live in `data` as
 * `{<field>: {code, message}}` with stable snake_case codes. Internal causes are kept
 * on `cause` for logs and never sent to clients. `docs/errors.md` lists every code.
 */

/** Error kinds with their HTTP status and default message. */
export const ERRORS = {
  bad_request: { status: 400, message: 'Something went wrong while processing your request.' },
  validation_failed: { status: 400, message: 'Failed to validate the request data.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_filter: { status: 400, message: 'Invalid filter expression.' },
  invalid_sort: { status: 400, message: 'Invalid sort expression.' },
  invalid_fields: { status: 400, message: 'Invalid fields parameter.' },
  invalid_expand: { status: 400, message: 'Invalid expand parameter.' },
  unauthorized: { status: 401, message: 'The request requires valid authorization token.' },
  forbidden: { status: 403, message: 'You are not allowed to perform this request.' },
  superuser_only: { status: 403, message: 'Only superusers can perform this action.' },
  not_found: { status: 404, message: "The requested resource wasn't found." },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  request_timeout: { status: 408, message: 'The request took too long to arrive.' },
  payload_too_large: { status: 413, message: 'Request entity too large.' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type.' },
  too_many_requests: { status: 429, message: 'Too many requests.' },
  headers_too_large: { status: 431, message: 'The request URL or headers are too large.' },
  internal: { status: 500, message: 'Something went wrong while processing your request.' },
  unavailable: { status: 503, message: 'The service is not available right now.' },
} as const;

export type ErrorKind = keyof typeof ERRORS;

/** One field's problem, as PocketBase reports it. */
export interface FieldError {
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** Nested problems: `data.fields.0.name = {code, message}` for collection schemas. */
export type ErrorData = { [key: string]: FieldError | ErrorData };

export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly data: ErrorData;

  constructor(kind: ErrorKind, message?: string, data: ErrorData = {}, options?: { cause?: unknown }) {
    super(message ?? ERRORS[kind].message, options);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = ERRORS[kind].status;
    this.data = data;
  }

  /** The wire shape. */
  toJSON(): { status: number; message: string; data: ErrorData } {
    return { status: this.status, message: this.message, data: this.data };
  }
}

/** Builds a `{code, message}` field problem. */
export function fieldError(code: string, message: string, extra?: Record<string, unknown>): FieldError {
  return { code, message, ...extra };
}

/** A 400 with a single field problem, the most common shape. */
export function invalidField(field: string, code: string, message: string, summary?: string): ApiError {
  return new ApiError('validation_failed', summary, { [field]: fieldError(code, message) });
}

import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';

/** The OpenTelemetry API package, imported with the SDK only when tracing is on. */
export type OtelApi = typeof import('@opentelemetry/api');

/** What tracing on brings: the API, a tracer, how to trace requests, and how to stop. */
interface TracingParts {
  api: OtelApi;
  tracer: Tracer;
  traceRequests: (server: FastifyInstance, tracing: Tracing) => void;
  shutdown: () => Promise<void>;
}

/** Where spans go; `endpoint` is an OTLP/HTTP base URL such as http://collector:4318. */
export interface TracingOptions {
  endpoint: string;
  serviceName?: string;
}

/**
 * Spans for requests, statements, jobs, storage and outbound calls. When no OTLP
 * endpoint is configured this is the `off` instance: `span()` just calls `fn`, and no
 * OpenTelemetry module is ever loaded, not even the API package.
 */
export class Tracing {
  readonly tracer: Tracer | null;
  /** the OpenTelemetry API while tracing is on */
  readonly api: OtelApi | null;
  readonly #parts: TracingParts | null;

  constructor(parts: TracingParts | null) {
    this.tracer = parts?.tracer ?? null;
    this.api = parts?.api ?? null;
    this.#parts = parts;
  }

  /** Tracing turned off: every wrapper is a plain call. */
  static readonly off = new Tracing(null);

  /** Adds a server span per request to `server` (nothing when tracing is off). */
  traceRequests(server: FastifyInstance): void {
    this.#parts?.traceRequests(server, this);
  }

  get enabled(): boolean {
    return this.tracer !== null;
  }

  /**
   * Runs `fn` inside a child span of the active one; the span ends when `fn` settles and
   * records a thrown error. Use for jobs (`job.run`), storage (`storage.put`) and
   * outbound calls (`http.client`, kind `client`).
   */
  span<T>(
    name: string,
    attributes: Attributes,
    fn: (span: Span | null) => Promise<T>,
    kind?: 'client' | 'internal',
  ): Promise<T> {
    const tracer = this.tracer;
    const api = this.api;
    if (!tracer || !api) return fn(null);
    const { SpanKind, SpanStatusCode } = api;
    const options = { attributes, kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL };
    return tracer.startActiveSpan(name, options, async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /**
   * `fetch` as an outbound call in the trace: a client span named `HTTP <method>` and a
   * `traceparent` header, so the service called continues the same trace. Without
   * tracing it is plain `fetch`.
   */
  fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const api = this.api;
    if (!api) return fetch(input, init);
    const url = new URL(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const attributes = {
      'http.request.method': method,
      'server.address': url.hostname,
      'url.path': url.pathname,
    };
    return this.span(
      `HTTP ${method}`,
      attributes,
      async (span) => {
        const headers = new Headers(init.headers);
        api.propagation.inject(api.context.active(), headers, {
          set: (carrier, key, value) => carrier.set(key, value),
        });
        const response = await fetch(input, { ...init, headers });
        span?.setAttribute('http.response.status_code', response.status);
        return response;
      },
      'client',
    );
  }

  /** The trace id of the active span, for log lines; undefined when none. */
  activeTraceId(): string | undefined {
    const api = this.api;
    if (!api) return undefined;
    return api.trace.getSpan(api.context.active())?.spanContext().traceId;
  }

  /** Flushes spans still buffered and stops the exporter. */
  async close(): Promise<void> {
    await this.#parts?.shutdown();
  }
}

/**
 * Starts tracing to an OTLP/HTTP endpoint (JSON encoding). The API, SDK and exporter are
 * imported here, lazily, so an install without an endpoint never loads them.
 */
export async function openTracing(options: TracingOptions): Promise<Tracing> {
  const [
    api,
    { traceRequests },
    { BasicTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { AsyncContextManager },
    { W3CTraceContextPropagator },
  ] = await Promise.all([
    import('@opentelemetry/api'),
    import('./http-tracing.ts'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('./tracing-context.ts'),
    import('@opentelemetry/core'),
  ]);
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'basalt' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 })],
  });
  // one global context manager per process: a second app in the same process reuses it
  api.context.setGlobalContextManager(new AsyncContextManager());
  // a caller's `traceparent` header makes Basalt's spans part of the caller's trace
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return new Tracing({
    api,
    tracer: provider.getTracer('basalt'),
    traceRequests,
    shutdown: async () => {
      await provider.forceFlush();
      await provider.shutdown();
    },
  });
}

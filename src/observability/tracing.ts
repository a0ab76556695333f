import {
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/** Where spans go; `endpoint` is an OTLP/HTTP base URL such as http://collector:4318. */
export interface TracingOptions {
  endpoint: string;
  serviceName?: string;
}

/**
 * Spans for requests, statements, jobs, storage and outbound calls. When no OTLP
 * endpoint is configured this is the `off` instance: `span()` just calls `fn`, and
 * no OpenTelemetry SDK module is ever loaded.
 */
export class Tracing {
  readonly tracer: Tracer | null;
  readonly #shutdown: () => Promise<void>;

  constructor(tracer: Tracer | null, shutdown: () => Promise<void> = async () => {}) {
    this.tracer = tracer;
    this.#shutdown = shutdown;
  }

  /** Tracing turned off: every wrapper is a plain call. */
  static readonly off = new Tracing(null);

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
    if (!tracer) return fn(null);
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
    if (!this.tracer) return fetch(input, init);
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
        propagation.inject(context.active(), headers, {
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
    if (!this.tracer) return undefined;
    return trace.getSpan(context.active())?.spanContext().traceId;
  }

  /** Flushes spans still buffered and stops the exporter. */
  close(): Promise<void> {
    return this.#shutdown();
  }
}

/**
 * Starts tracing to an OTLP/HTTP endpoint (JSON encoding). The SDK and exporter are
 * imported here, lazily, so an install without an endpoint never loads them.
 */
export async function openTracing(options: TracingOptions): Promise<Tracing> {
  const [
    { BasicTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { AsyncContextManager },
    { W3CTraceContextPropagator },
  ] = await Promise.all([
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
  context.setGlobalContextManager(new AsyncContextManager());
  // a caller's `traceparent` header makes Basalt's spans part of the caller's trace
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracer = provider.getTracer('basalt');
  return new Tracing(tracer, async () => {
    await provider.forceFlush();
    await provider.shutdown();
  });
}

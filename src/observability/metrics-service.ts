import client, { type Counter, type Gauge, type Metric, Registry } from 'prom-client';
import { FastHistogram, HistogramCounter } from './fast-histogram.ts';

/** Seconds buckets for request and query latencies: 0.5 ms up to 10 s. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** A metric's name, help text and label names (names are prefixed with `basalt_`). */
export interface MetricSpec {
  name: string;
  help: string;
  labels?: readonly string[];
}

/**
 * One app's metrics: a private prom-client registry (so several apps in one process
 * never clash), process and event-loop metrics, and get-or-create helpers other
 * components call to register their own counters and gauges.
 */
export class MetricsService {
  readonly registry = new Registry();
  readonly #metrics = new Map<string, Counter | Gauge | FastHistogram | HistogramCounter>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) this.#processMetrics();
  }

  /**
   * prom-client's process and event-loop metrics, except three gauges it names with a
   * `_total` suffix that `promtool check metrics` rejects (`basalt_nodejs_active_resources`
   * already counts the same things by type).
   */
  #processMetrics(): void {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'basalt_' });
    for (const name of ['handles', 'requests', 'resources'])
      this.registry.removeSingleMetric(`basalt_nodejs_active_${name}_total`);
  }

  /** A counter; calling again with the same name answers the same counter. */
  counter(spec: MetricSpec): Counter {
    return this.#getOrCreate(spec, () => new client.Counter(this.#options(spec))) as Counter;
  }

  /**
   * A gauge. With `collect`, its value is read at scrape time (e.g. a queue depth),
   * so the owner does not have to push updates.
   */
  gauge(spec: MetricSpec & { collect?: (gauge: Gauge) => void | Promise<void> }): Gauge {
    const collect = spec.collect;
    return this.#getOrCreate(
      spec,
      () =>
        new client.Gauge({
          ...this.#options(spec),
          ...(collect
            ? {
                collect(this: Gauge) {
                  return collect(this);
                },
              }
            : {}),
        }),
    ) as Gauge;
  }

  /**
   * A histogram in seconds, with latency buckets unless others are given. Callers
   * resolve a series per label combination once (`series({...})`) and observe on it.
   */
  histogram(spec: MetricSpec & { buckets?: number[] }): FastHistogram {
    return this.#getOrCreate(spec, () =>
      this.#register(new FastHistogram(`basalt_${spec.name}`, spec.help, spec.buckets ?? LATENCY_BUCKETS)),
    ) as FastHistogram;
  }

  /** A counter of a histogram's observations by the same labels, read at scrape time. */
  countOf(spec: MetricSpec, histogram: FastHistogram): HistogramCounter {
    return this.#getOrCreate(spec, () =>
      this.#register(new HistogramCounter(`basalt_${spec.name}`, spec.help, histogram)),
    ) as HistogramCounter;
  }

  /** The exposition text Prometheus scrapes. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  #options(spec: MetricSpec) {
    return {
      name: `basalt_${spec.name}`,
      help: spec.help,
      labelNames: spec.labels ?? [],
      registers: [this.registry],
    };
  }

  // our own metrics follow the contract the registry reads every metric through (`get()`)
  #register<M extends FastHistogram | HistogramCounter>(metric: M): M {
    this.registry.registerMetric(metric as unknown as Metric);
    return metric;
  }

  #getOrCreate<M extends Counter | Gauge | FastHistogram | HistogramCounter>(
    spec: MetricSpec,
    create: () => M,
  ): M {
    let metric = this.#metrics.get(spec.name);
    if (!metric) {
      metric = create();
      this.#metrics.set(spec.name, metric);
    }
    return metric as M;
  }
}

import client, { type Counter, type Gauge, type Histogram, Registry } from 'prom-client';

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
  readonly #metrics = new Map<string, Counter | Gauge | Histogram>();

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

  /** A histogram in seconds, with latency buckets unless others are given. */
  histogram(spec: MetricSpec & { buckets?: number[] }): Histogram {
    return this.#getOrCreate(
      spec,
      () => new client.Histogram({ ...this.#options(spec), buckets: spec.buckets ?? LATENCY_BUCKETS }),
    ) as Histogram;
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

  #getOrCreate(spec: MetricSpec, create: () => Counter | Gauge | Histogram): Counter | Gauge | Histogram {
    let metric = this.#metrics.get(spec.name);
    if (!metric) {
      metric = create();
      this.#metrics.set(spec.name, metric);
    }
    return metric;
  }
}

/** One label combination of a histogram: its counts per bucket, sum and count. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** observations per bucket (not cumulative); the last slot is +Inf */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** The value list prom-client's registry prints (`metric.get()`). */
interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A latency histogram for hot paths. prom-client's own re-validates and re-hashes the
 * labels on every `observe`, even through a `labels()` child; here a caller resolves
 * its series once and each observation is a bucket search and three additions. The
 * registry reads it through `get()`, the same contract prom-client's metrics follow,
 * so the exposition text is identical.
 */
export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, HistogramSeries>();

  constructor(name: string, help: string, bounds: readonly number[]) {
    this.name = name;
    this.help = help;
    this.#bounds = bounds;
  }

  /** The series of one label combination, created on first use. */
  series(labels: Record<string, string>): HistogramSeries {
    const key = Object.values(labels).join('\u0000');
    let series = this.#series.get(key);
    if (!series) {
      series = {
        labels: { ...labels },
        counts: new Array(this.#bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    return series;
  }

  observe(series: HistogramSeries, value: number): void {
    const bounds = this.#bounds;
    let slot = 0;
    while (slot < bounds.length && value > bounds[slot]) slot++;
    series.counts[slot]++;
    series.sum += value;
    series.count++;
  }

  /** Every series, for readers that derive other metrics from the same observations. */
  allSeries(): IterableIterator<HistogramSeries> {
    return this.#series.values();
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    for (const series of this.#series.values()) {
      let cumulative = 0;
      for (let slot = 0; slot <= this.#bounds.length; slot++) {
        cumulative += series.counts[slot];
        const le = slot < this.#bounds.length ? this.#bounds[slot] : '+Inf';
        values.push({
          labels: { ...series.labels, le },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}

/**
 * A counter read from a histogram's observation counts at scrape time, so a request is
 * counted by the one histogram observation it already makes.
 */
export class HistogramCounter {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly #source: FastHistogram;

  constructor(name: string, help: string, source: FastHistogram) {
    this.name = name;
    this.help = help;
    this.#source = source;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values = [...this.#source.allSeries()].map((series) => ({
      labels: { ...series.labels },
      value: series.count,
    }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}

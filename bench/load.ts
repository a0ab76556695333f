/** Timed load runs with autocannon, and their combination over interleaved rounds. */
import autocannon, { type Options } from 'autocannon';

export interface LoadOptions {
  connections: number;
  /** seconds measured */
  duration: number;
  /** seconds of load before measuring, discarded */
  warmup: number;
}

export interface Measurement {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  seconds: number;
  /** answers other than 2xx, plus socket errors and timeouts: any makes the run invalid */
  failures: number;
  /** requests/s of each round, when combined */
  rounds?: number[];
}

/** One measured run after an untimed warm-up with the same requests. */
export async function measure(
  url: string,
  requests: Options['requests'],
  options: LoadOptions,
): Promise<Measurement> {
  const base = { url, connections: options.connections, timeout: 10, requests };
  if (options.warmup > 0) await autocannon({ ...base, duration: options.warmup });
  const result = await autocannon({ ...base, duration: options.duration });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests: result.requests.total,
    seconds: result.duration,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Rounds of one server as one measurement: throughput over the total time, p50 weighted by
 * requests, and the worst p99 and max (percentiles of parts don't combine exactly; this errs high).
 */
export function combine(parts: Measurement[]): Measurement {
  const requests = parts.reduce((n, m) => n + m.requests, 0);
  const seconds = parts.reduce((n, m) => n + m.seconds, 0);
  return {
    requestsPerSecond: requests / seconds,
    latencyP50Ms: parts.reduce((n, m) => n + m.latencyP50Ms * m.requests, 0) / Math.max(1, requests),
    latencyP99Ms: Math.max(...parts.map((m) => m.latencyP99Ms)),
    latencyMaxMs: Math.max(...parts.map((m) => m.latencyMaxMs)),
    requests,
    seconds,
    failures: parts.reduce((n, m) => n + m.failures, 0),
    rounds: parts.map((m) => m.requestsPerSecond),
  };
}

/** One timed load run with autocannon, after an untimed warm-up on the same requests. */
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
  /** answers other than 2xx, plus socket errors and timeouts: any makes the run invalid */
  failures: number;
}

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
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** Timed load runs with autocannon, and their combination over interleaved rounds. */
import { readFileSync } from 'node:fs';
import autocannon, { type Options } from 'autocannon';

export interface LoadOptions {
  connections: number;
  /** seconds measured */
  duration: number;
  /** seconds of load before measuring, discarded */
  warmup: number;
  /** the server's process id: its CPU time during the measured window is read from /proc */
  pid?: number;
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
  /**
   * the server's CPU time (all its threads, user + system) per completed request, in µs;
   * unlike req/s it barely moves when other processes compete for the core. Linux only.
   */
  cpuMicrosPerRequest?: number;
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
  const cpuBefore = cpuSeconds(options.pid);
  const result = await autocannon({ ...base, duration: options.duration });
  const cpuAfter = cpuSeconds(options.pid);
  return {
    requestsPerSecond: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests: result.requests.total,
    seconds: result.duration,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuMicrosPerRequest:
      cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
        ? undefined
        : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total,
  };
}

/** User + system CPU seconds of a process so far (all threads), from /proc/PID/stat; undefined off Linux. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // the command name (field 2) may hold spaces: count fields from after its closing ')'
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 (utime) and 15 (stime) of proc(5), in clock ticks; Linux uses 100 per second
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
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
    cpuMicrosPerRequest: parts.every((m) => m.cpuMicrosPerRequest !== undefined)
      ? parts.reduce((n, m) => n + m.cpuMicrosPerRequest! * m.requests, 0) / Math.max(1, requests)
      : undefined,
    rounds: parts.map((m) => m.requestsPerSecond),
  };
}

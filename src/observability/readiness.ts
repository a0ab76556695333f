/** One engine's readiness check: resolves when the engine answers, throws otherwise. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/**
 * Readiness of each configured engine (database, pub/sub, cache, …). Components add a
 * check for their engine; `run()` runs them all in parallel, each bounded by a timeout,
 * so one hung engine makes the answer "not ready" instead of hanging the probe.
 */
export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly timeoutMs: number;

  constructor(timeoutMs = 2000) {
    this.timeoutMs = timeoutMs;
  }

  /** Adds (or replaces) the check for an engine. */
  add(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** Runs every check; `ok` only when all pass within the timeout. */
  async run(): Promise<{ ok: boolean; checks: CheckResult[] }> {
    const checks = await Promise.all([...this.#checks].map(([name, check]) => this.#runOne(name, check)));
    return { ok: checks.every((c) => c.ok), checks };
  }

  async #runOne(name: string, check: ReadinessCheck): Promise<CheckResult> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      await Promise.race([check(controller.signal), timeout]);
      return { name, ok: true, ms: elapsed(started) };
    } catch (error) {
      return { name, ok: false, ms: elapsed(started), error: (error as Error)?.message ?? String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

import type { Writer } from './command.ts';

/** The signals that stop the server, with the exit code of a forced stop (128 + number). */
export const SHUTDOWN_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
type ShutdownSignal = keyof typeof SHUTDOWN_SIGNALS;

/** What signals are received from: `process`, or an EventEmitter in tests. */
export interface SignalTarget {
  on(event: ShutdownSignal, listener: () => void): unknown;
  off(event: ShutdownSignal, listener: () => void): unknown;
}

export interface ShutdownOptions {
  /** the graceful stop: stop accepting, finish in-flight work, close drivers */
  close: () => Promise<void>;
  /** bound on the whole shutdown, in ms; 0 waits forever */
  timeoutMs: number;
  stderr: Writer;
  target?: SignalTarget;
  exit?: (code: number) => void;
}

export interface ShutdownHandle {
  /** resolves with the exit code once a signal-initiated close has finished: 0, or 1 if close failed */
  readonly done: Promise<number>;
  /** the first signal received, or null */
  readonly signal: ShutdownSignal | null;
  /** stops listening for signals */
  dispose(): void;
}

/**
 * First SIGINT/SIGTERM: `close()` gracefully, bounded by `timeoutMs`; `done` then resolves
 * with 0. A second signal exits at once with 130 (SIGINT) or 143 (SIGTERM). When the bound
 * passes, the process exits with 1 if close has not finished — or with close's code if it
 * has but something still holds the process open (the timer is unref'd, so it fires only then).
 */
export function installShutdownSignals(options: ShutdownOptions): ShutdownHandle {
  const target = options.target ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let received: ShutdownSignal | null = null;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });

  const onSignal = (signal: ShutdownSignal) => {
    if (received) {
      options.stderr.write(`Received ${signal} again; exiting now.\n`);
      exit(SHUTDOWN_SIGNALS[signal]);
      return;
    }
    received = signal;
    const bound = options.timeoutMs > 0 ? ` (up to ${formatMs(options.timeoutMs)})` : '';
    options.stderr.write(`Received ${signal}; shutting down gracefully${bound}. Send it again to force.\n`);
    let settled: number | null = null;
    const timer =
      options.timeoutMs > 0
        ? setTimeout(() => {
            const why = settled === null ? 'did not finish' : 'finished but the process is still held open';
            options.stderr.write(`Shutdown ${why} after ${formatMs(options.timeoutMs)}; exiting.\n`);
            exit(settled ?? 1);
          }, options.timeoutMs)
        : undefined;
    options.close().then(
      () => finish(0),
      (error: unknown) => {
        options.stderr.write(
          `Error during shutdown: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        finish(1);
      },
    );
    function finish(code: number) {
      settled = code;
      timer?.unref();
      resolveDone(code);
    }
  };

  const listeners = Object.keys(SHUTDOWN_SIGNALS).map((signal) => {
    const listener = () => onSignal(signal as ShutdownSignal);
    target.on(signal as ShutdownSignal, listener);
    return [signal as ShutdownSignal, listener] as const;
  });
  return {
    done,
    get signal() {
      return received;
    },
    dispose: () => {
      for (const [signal, listener] of listeners) target.off(signal, listener);
    },
  };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

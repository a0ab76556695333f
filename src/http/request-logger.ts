import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

type Log = (...args: unknown[]) => void;

/**
 * `request.log`: a child logger carrying the request id, made only when something logs
 * through it. Fastify makes one child per request, yet most requests log nothing but
 * their access line (written without it, see access-log.ts); making the pino child, with
 * its bindings serialized, was a visible share of a small request's cost.
 */
export class RequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions | undefined;
  #real: FastifyBaseLogger | null = null;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options?: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get #logger(): FastifyBaseLogger {
    if (!this.#real) {
      this.#real = this.#options
        ? this.#parent.child(this.#bindings, this.#options)
        : this.#parent.child(this.#bindings);
    }
    return this.#real;
  }

  get level(): LevelWithSilentOrString {
    return this.#real?.level ?? this.#options?.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#logger.level = level;
  }

  // methods on the prototype: per-instance arrow functions would cost more than the child
  fatal(...args: unknown[]): void {
    (this.#logger.fatal as Log)(...args);
  }
  error(...args: unknown[]): void {
    (this.#logger.error as Log)(...args);
  }
  warn(...args: unknown[]): void {
    (this.#logger.warn as Log)(...args);
  }
  info(...args: unknown[]): void {
    (this.#logger.info as Log)(...args);
  }
  debug(...args: unknown[]): void {
    (this.#logger.debug as Log)(...args);
  }
  trace(...args: unknown[]): void {
    (this.#logger.trace as Log)(...args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: the request's logger, made lazily. */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, hasKeys(options) ? options : undefined);
}

function hasKeys(options: object): boolean {
  for (const _ in options) return true;
  return false;
}

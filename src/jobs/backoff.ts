/** Retry policy of a job: first delay and its ceiling, in ms. */
export interface BackoffPolicy {
  backoffMs: number;
  backoffMaxMs: number;
}

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based):
 * `backoffMs · 2^(attempt-1)`, capped at `backoffMaxMs`, then "equal jitter" — a random
 * point in the upper half — so a burst of failures does not retry in lockstep while no
 * retry ever comes sooner than half the nominal delay.
 */
export function retryDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const nominal = Math.min(policy.backoffMs * 2 ** exponent, policy.backoffMaxMs);
  const half = nominal / 2;
  return Math.round(half + random() * half);
}

/** The smallest delay `retryDelay` can answer for this attempt (what "early retry" means). */
export function minRetryDelay(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  return Math.round(Math.min(policy.backoffMs * 2 ** exponent, policy.backoffMaxMs) / 2);
}

/** What happens after a failed attempt: another try at `retryAt`, or the dead letter. */
export type FailureOutcome = { next: 'retry'; retryAt: number } | { next: 'dead' };

/** Decides the fate of a job whose attempt number `attempts` just failed at `now`. */
export function afterFailure(
  policy: BackoffPolicy & { maxAttempts: number },
  attempts: number,
  now: number,
  random: () => number = Math.random,
): FailureOutcome {
  if (attempts >= policy.maxAttempts) return { next: 'dead' };
  return { next: 'retry', retryAt: now + retryDelay(policy, attempts, random) };
}

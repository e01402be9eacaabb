export interface BackoffOptions {
  /** The first delay's upper bound, in ms. */
  initialMs: number;
  /** No delay is longer than this, in ms. */
  maxMs: number;
  /** How much longer each consecutive failure makes the next wait. */
  factor: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2 };

/**
 * How long to wait before retry number `attempt` (0 for the first): exponential, capped, with "equal jitter" —
 * half of the step is fixed and half random — so that the clients of a node that went down do not all come back
 * to the other one in the same instant, yet none retries at once in a tight loop.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  const step = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return step / 2 + random() * (step / 2);
}

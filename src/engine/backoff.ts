/** Capped exponential backoff with jitter, so a fleet of hosts that died together doesn't retry in lockstep. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 250,
    private readonly capMs = 10_000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const exp = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    this.attempt++;
    // Full jitter over the upper half: never less than half the step.
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}

// The pace of a run: measured seconds per ply of self-play and of the PPO update, and from them
// the time left. Until the process has timed part of an update, only self-play's share is known:
// the time left is then a lower bound, and says so.

/** Above this many hours, a run says at start how long it will take and names the small config. */
export const LONG_RUN_HOURS = 3;

export class Pace {
  /** Seconds of self-play per transition (the last rollout's, or the current one's so far). */
  collect = Number.NaN;
  /** Seconds of PPO update per transition of a rollout (the last update's, or the current one's extrapolated). */
  update = Number.NaN;
  /** Whether the update's pace is measured (else the time left counts self-play only: a lower bound). */
  get complete(): boolean {
    return Number.isFinite(this.update);
  }

  /** Seconds of update per ply: measured, else 0 (not known yet). */
  updatePerStep(): number {
    return Number.isFinite(this.update) ? this.update : 0;
  }

  /** Seconds to play and learn `steps` more plies (NaN until self-play has been timed). */
  secondsFor(steps: number): number {
    return steps * (this.collect + this.updatePerStep());
  }

  /** The line a run says once both paces are measured when the rest of it would take longer than LONG_RUN_HOURS, else null. */
  longRunWarning(steps: number, backend: string): string | null {
    if (!this.complete) return null;
    const total = this.secondsFor(steps);
    if (!(total > LONG_RUN_HOURS * 3600)) return null;
    const h = (s: number) => (s / 3600 >= 10 ? (s / 3600).toFixed(0) : (s / 3600).toFixed(1));
    return `this run needs about ${h(total)} h on ${backend} at the speed just measured (self-play ${h(steps * this.collect)} h, updates ${h(steps * this.updatePerStep())} h); --config tiny (a 1×16 net) learns in minutes`;
  }
}

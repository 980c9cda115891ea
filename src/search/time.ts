// Time management for byoyomi and Fischer clocks that never loses on time.
//
// A move gets a soft budget (stop there unless the position is unsettled) and a hard one (never
// exceeded). Byoyomi: while main time remains, a share of it plus the byoyomi; then the byoyomi,
// both less the margin. Fischer: a share of the remaining time plus the increment, never more than
// what the clock holds less the margin. The search may stop before the soft budget when the best
// move cannot be overtaken, and runs on toward the hard one while the best move keeps changing.

export interface Clock {
  /** Milliseconds left on the mover's main clock. */
  time: number;
  /** Byoyomi per move (ms); 0 when the game has none. */
  byoyomi: number;
  /** Fischer increment per move (ms); 0 when the game has none. */
  increment: number;
}

export interface Budget {
  soft: number;
  hard: number;
}

/** Moves the remaining main time is shared over, fewer as the game goes on (but at least 10). */
function movesToGo(ply: number): number {
  return Math.max(10, 40 - Math.floor(ply / 4));
}

/** The budget of one move at `ply` on `clock`, `margin` ms kept back for the GUI and the process. */
export function moveBudget(clock: Clock, ply: number, margin: number): Budget {
  const share = clock.time / movesToGo(ply);
  if (clock.byoyomi > 0) {
    const floor = Math.max(0, clock.byoyomi - margin);
    const soft = floor + share;
    // The main time can be spent to its end: byoyomi still follows.
    const hard = Math.max(floor, Math.min(floor + clock.time - margin, floor + 4 * share));
    return { soft: Math.min(soft, hard), hard };
  }
  const available = Math.max(0, clock.time + clock.increment - margin);
  const soft = Math.min(available, share + clock.increment * 0.8);
  const hard = Math.min(available, Math.max(soft, 4 * share + clock.increment));
  return { soft, hard };
}

/**
 * Whether the search may stop now: past the hard budget always; past the soft one unless the best
 * move changed in the last quarter of the time spent; before it when the best move cannot be
 * overtaken by the playouts the remaining (hard) time allows at the current rate.
 */
export function shouldStop(o: {
  elapsed: number;
  budget: Budget;
  /** Visits of the most and the second most visited root moves. */
  best: number;
  second: number;
  /** Playouts per millisecond so far. */
  rate: number;
  /** ms since the best move last changed. */
  sinceBestChanged: number;
}): boolean {
  const { elapsed, budget } = o;
  if (elapsed >= budget.hard) return true;
  const remaining = (budget.hard - elapsed) * o.rate;
  if (elapsed > 50 && o.best - o.second > remaining) return true;
  if (elapsed < budget.soft) return false;
  return o.sinceBestChanged > elapsed / 4;
}

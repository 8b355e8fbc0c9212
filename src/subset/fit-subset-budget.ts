import type { SubsetClosure } from '../core/index.js';

export interface SubsetBudget {
  readonly maxRows: number | null;
  readonly maxBytes: number | null;
  /** Aim for at least (1 - tolerance) of the binding budget; never exceed it. */
  readonly tolerance: number;
}

export interface SubsetAttempt {
  readonly scale: number;
  readonly rows: number;
  readonly bytes: number;
  readonly fits: boolean;
}

export interface FittedSubset {
  readonly closure: SubsetClosure;
  readonly scale: number;
  readonly attempts: readonly SubsetAttempt[];
  /** Fits the budget and uses at least (1 - tolerance) of it (or there is no budget). */
  readonly withinTolerance: boolean;
}

/** At most this many closures are computed to find the scale. */
export const MAX_BUDGET_ATTEMPTS = 8;
/** The first closure computed under a budget: a twentieth of what the targets ask for. */
const PROBE_SCALE = 0.05;

export function closureTotals(closure: SubsetClosure): { rows: number; bytes: number } {
  return closure.tables.reduce((sum, t) => ({ rows: sum.rows + t.rows, bytes: sum.bytes + t.bytes }), {
    rows: 0,
    bytes: 0,
  });
}

/** Share of the binding budget a closure uses: ≤ 1 fits. */
export function budgetUse(closure: SubsetClosure, budget: SubsetBudget): number {
  const { rows, bytes } = closureTotals(closure);
  return Math.max(
    budget.maxRows === null ? 0 : rows / budget.maxRows,
    budget.maxBytes === null ? 0 : bytes / budget.maxBytes,
  );
}

/**
 * Finds the largest scale (0..1, multiplying every target's share and row count) whose closure fits the
 * budget, within tolerance. A closure only grows with the scale (seeded hash thresholds and prefixes), so
 * the search brackets the answer: it probes a twentieth of the targets first (never the whole closure when a
 * small part already tells), guesses the scale in proportion, and then interpolates between the best fitting
 * and the smallest overflowing scale, bisecting when interpolation stalls. `compute` must leave
 * the source holding the closure of the scale it was last called with; the returned closure is the last
 * one computed (the search recomputes the best one when needed).
 */
export async function fitSubsetToBudget(
  compute: (scale: number) => Promise<SubsetClosure>,
  budget: SubsetBudget,
  maxAttempts = MAX_BUDGET_ATTEMPTS,
): Promise<FittedSubset> {
  const attempts: SubsetAttempt[] = [];
  const run = async (scale: number): Promise<{ closure: SubsetClosure; use: number }> => {
    const closure = await compute(scale);
    const use = budgetUse(closure, budget);
    attempts.push({ scale, ...closureTotals(closure), fits: use <= 1 });
    return { closure, use };
  };
  if (budget.maxRows === null && budget.maxBytes === null) {
    const whole = await run(1);
    return { closure: whole.closure, scale: 1, attempts, withinTolerance: true };
  }
  const goal = 1 - budget.tolerance / 2;
  let low = { scale: 0, use: 0, closure: null as SubsetClosure | null };
  let high = { scale: 1, use: Infinity };
  // A small probe first: the whole closure may be far larger than the budget and costly to compute.
  // Closures grow about in proportion to the scale, so the probe's share of the budget points at the scale.
  const probe = await run(PROBE_SCALE);
  let lastScale = PROBE_SCALE;
  if (probe.use > 1) high = { scale: PROBE_SCALE, use: probe.use };
  else if (probe.use >= 1 - budget.tolerance) {
    return { closure: probe.closure, scale: PROBE_SCALE, attempts, withinTolerance: true };
  } else {
    low = { scale: PROBE_SCALE, use: probe.use, closure: probe.closure };
    const guess = probe.use === 0 ? 1 : Math.min(1, (PROBE_SCALE * goal) / probe.use);
    const next = await run(guess);
    lastScale = guess;
    if (next.use <= 1) {
      low = { scale: guess, use: next.use, closure: next.closure };
      if (guess === 1 || next.use >= 1 - budget.tolerance)
        return { closure: next.closure, scale: guess, attempts, withinTolerance: true };
    } else high = { scale: guess, use: next.use };
  }
  while (attempts.length < maxAttempts) {
    const interpolated = low.scale + ((goal - low.use) / (high.use - low.use)) * (high.scale - low.scale);
    const span = high.scale - low.scale;
    // Interpolation that hugs a bracket end converges slowly: fall back to the midpoint then.
    const scale =
      Number.isFinite(interpolated) &&
      interpolated > low.scale + span * 0.05 &&
      interpolated < high.scale - span * 0.05
        ? interpolated
        : low.scale + span / 2;
    const { closure, use } = await run(scale);
    lastScale = scale;
    if (use <= 1) {
      low = { scale, use, closure };
      if (use >= 1 - budget.tolerance) break;
    } else {
      high = { scale, use };
    }
    if (high.scale - low.scale < 1e-9) break;
  }
  const withinTolerance = low.closure !== null && low.use >= 1 - budget.tolerance;
  if (low.closure === null) {
    // Nothing fitted yet: the empty start (scale 0) always does.
    const empty = await run(0);
    return { closure: empty.closure, scale: 0, attempts, withinTolerance: false };
  }
  if (lastScale !== low.scale) await compute(low.scale);
  return { closure: low.closure, scale: low.scale, attempts, withinTolerance };
}

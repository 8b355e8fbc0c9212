import { drawValue, roundTo, valueAtQuantile, type DrawContext, type DrawnValue } from './column-stats.js';
import { numericStep, type ColumnCondition } from './resolve-scenario.js';
import {
  NUMERIC_BINS,
  type CategoricalStats,
  type ColumnStats,
  type NumericStats,
} from './synthesis-model.js';
import { formatNumeric, parseNumeric, sameNumber, type NumericKind } from './value-codec.js';

/**
 * One column drawn under a condition: the column's distribution in its conditional cell, truncated to
 * what the condition allows (categories, quantile bins cut at the range's bounds, exact values with the
 * mass of the bins they fall in, excluded values cut out with the mass they hold), renormalised, then drawn.
 */
export interface ConditionedDraw {
  /** Share of the cell's mass the condition keeps (0–1): the sampler redraws earlier columns in proportion. */
  readonly mass: number;
  /** Draws the code and the value (codes as the model's: categories, rare, null; or bins, null). */
  draw(context: DrawContext): { readonly code: number; readonly value: DrawnValue };
}

const NULL_VALUE: DrawnValue = { text: null, number: null };

/**
 * The truncated draw of a column in one cell. `cell[code]` is the cell's weight per code, `fallback` the
 * column's marginal (used when the condition keeps nothing of the cell); `anchorValue` is the row's anchor
 * for `anchor + offset` columns.
 */
export function conditionedDraw(
  stats: ColumnStats,
  condition: ColumnCondition,
  cell: ArrayLike<number>,
  anchorValue: number | null,
): ConditionedDraw {
  const nullCode = stats.counts.length - 1;
  if (condition.onlyNull) {
    return { mass: share(cell, [[nullCode, 1]]), draw: () => ({ code: nullCode, value: NULL_VALUE }) };
  }
  if (stats.type !== 'numeric') return categoricalDraw(stats, condition, cell, nullCode);
  const draw = numericDraw(stats, condition, cell, anchorValue, nullCode);
  return condition.excludedNumbers.length === 0
    ? draw
    : avoidExcluded(draw, stats, condition, cell, anchorValue);
}

function total(cell: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < cell.length; i++) sum += cell[i] as number;
  return sum;
}

/** Mass of weighted codes over the cell's total. */
function share(cell: ArrayLike<number>, weighted: readonly (readonly [number, number])[]): number {
  const all = total(cell);
  if (all <= 0) return 0;
  let kept = 0;
  for (const [code, factor] of weighted) kept += (cell[code] ?? 0) * factor;
  return Math.min(1, kept / all);
}

/** Picks one option by weight (cell mass × factor); uniformly when all weights are zero. */
function pick<T>(options: readonly T[], weights: readonly number[], random: DrawContext['random']): T {
  let total = 0;
  for (const w of weights) total += w;
  if (total <= 0) return options[random.below(options.length)] as T;
  let target = random.next() * total;
  for (let i = 0; i < options.length; i++) {
    target -= weights[i] as number;
    if (target < 0) return options[i] as T;
  }
  return options[options.length - 1] as T;
}

function categoricalDraw(
  stats: Extract<ColumnStats, { type: 'categorical' }>,
  condition: ColumnCondition,
  cell: ArrayLike<number>,
  nullCode: number,
): ConditionedDraw {
  const rareCode = stats.categories.length;
  type Option = { code: number; text: string | null | undefined };
  const options: Option[] = [];
  if (condition.values !== null) {
    const rare = condition.values.filter((v) => !stats.categories.includes(v));
    for (const value of condition.values) {
      const code = stats.categories.indexOf(value);
      if (code !== -1) options.push({ code, text: value });
    }
    // Values the model does not keep share the rare code's mass.
    for (const value of rare) options.push({ code: rareCode, text: value });
    const rareFactor = rare.length === 0 ? 0 : 1 / rare.length;
    const weights = (): number[] =>
      options.map((o) => (cell[o.code] ?? 0) * (o.code === rareCode ? rareFactor : 1));
    if (condition.allowsNull) options.push({ code: nullCode, text: null });
    const w = weights();
    if (condition.allowsNull) w.push(cell[nullCode] ?? 0);
    const all = total(cell);
    const mass = all <= 0 ? 0 : Math.min(1, w.reduce((a, b) => a + b, 0) / all);
    return {
      mass,
      draw: (context) => {
        const chosen = pick(options, mass > 0 ? w : options.map(() => 1), context.random);
        return { code: chosen.code, value: { text: chosen.text ?? null, number: null } };
      },
    };
  }
  // Any value (not NULL, unless allowed): every code but null, drawn as the model draws it; excluded
  // categories are left out, and the rare code only stays when it can give a value that is not excluded.
  const excluded = new Set(condition.excluded);
  for (let code = 0; code < nullCode; code++) {
    if (code < rareCode && excluded.has(stats.categories[code] as string)) continue;
    if (code === rareCode && excluded.size > 0 && !rareCanAvoid(stats, excluded)) continue;
    options.push({ code, text: undefined });
  }
  if (condition.allowsNull) options.push({ code: nullCode, text: null });
  const w = options.map((o) => cell[o.code] ?? 0);
  const mass = share(
    cell,
    options.map((o) => [o.code, 1] as const),
  );
  return {
    mass,
    draw: (context) => {
      const chosen = pick(
        options,
        mass > 0 ? w : options.map((o) => stats.counts[o.code] ?? 0),
        context.random,
      );
      const value =
        chosen.code === rareCode && excluded.size > 0
          ? drawRareAvoiding(stats, excluded, context)
          : drawValue(stats, chosen.code, context);
      return { code: chosen.code, value };
    },
  };
}

/** Redraws of a made-up rare value that happened to equal an excluded one. */
const MAX_EXCLUSION_REDRAWS = 20;

/** Whether the rare code of a column can be drawn as a value outside `excluded`. */
function rareCanAvoid(stats: CategoricalStats, excluded: ReadonlySet<string>): boolean {
  const fill = stats.rare;
  switch (fill.fill) {
    case 'enum':
      return fill.labels.some((label) => !excluded.has(label));
    case 'kept':
      return stats.categories.some((c) => !excluded.has(c));
    case 'literal':
      return !excluded.has(fill.value);
    default:
      return true;
  }
}

/** A rare-code value that is not excluded (closed sets pick among what is left; made-up text is redrawn). */
function drawRareAvoiding(
  stats: CategoricalStats,
  excluded: ReadonlySet<string>,
  context: DrawContext,
): DrawnValue {
  const fill = stats.rare;
  if (fill.fill === 'enum') {
    const labels = fill.labels.filter((label) => !excluded.has(label));
    return { text: labels[context.random.below(labels.length)] ?? null, number: null };
  }
  if (fill.fill === 'kept') {
    const codes = stats.categories.flatMap((c, i) => (excluded.has(c) ? [] : [i]));
    const code = pick(
      codes,
      codes.map((i) => stats.counts[i] ?? 0),
      context.random,
    );
    return { text: stats.categories[code] ?? null, number: null };
  }
  let value = drawValue(stats, stats.categories.length, context);
  for (let i = 0; i < MAX_EXCLUSION_REDRAWS && value.text !== null && excluded.has(value.text); i++)
    value = drawValue(stats, stats.categories.length, context);
  return value;
}

/** Quantile (0–1) of the first spot a value takes in the knots' distribution (atoms: their start). */
export function lowQuantile(knots: readonly number[], value: number): number {
  const steps = knots.length - 1;
  if (steps <= 0) return value <= (knots[0] ?? 0) ? 0 : 1;
  let i = 0;
  while (i < knots.length && (knots[i] as number) < value) i++;
  if (i >= knots.length) return 1;
  if (i === 0 || knots[i] === value) return i / steps;
  const a = knots[i - 1] as number;
  const b = knots[i] as number;
  return (i - 1 + (value - a) / (b - a)) / steps;
}

/** Quantile (0–1) of the last spot a value takes (atoms: their end). */
export function highQuantile(knots: readonly number[], value: number): number {
  const steps = knots.length - 1;
  if (steps <= 0) return value >= (knots[0] ?? 0) ? 1 : 0;
  let j = knots.length - 1;
  while (j >= 0 && (knots[j] as number) > value) j--;
  if (j < 0) return 0;
  if (j === steps || knots[j] === value) return j / steps;
  const a = knots[j] as number;
  const b = knots[j + 1] as number;
  return (j + (value - a) / (b - a)) / steps;
}

/** Bins a quantile interval touches, with the share of each bin inside it (a point: its bin, share 1). */
export function binShares(low: number, high: number): [number, number][] {
  const bin = (q: number): number => Math.min(NUMERIC_BINS - 1, Math.max(0, Math.floor(q * NUMERIC_BINS)));
  if (high <= low) return [[bin(low), 1]];
  const out: [number, number][] = [];
  for (let b = bin(low); b <= bin(high); b++) {
    const overlap = Math.min(high, (b + 1) / NUMERIC_BINS) - Math.max(low, b / NUMERIC_BINS);
    if (overlap > 0) out.push([b, overlap * NUMERIC_BINS]);
  }
  return out.length > 0 ? out : [[bin(low), 1]];
}

function numericDraw(
  stats: NumericStats,
  condition: ColumnCondition,
  cell: ArrayLike<number>,
  anchorValue: number | null,
  nullCode: number,
): ConditionedDraw {
  const anchored = stats.anchor !== null;
  const offset = anchored ? anchorValue : 0;
  const format = (n: number): string => formatNumeric(stats.kind, n, stats.decimals, stats.resolution);
  const nullOption = condition.allowsNull ? [[nullCode, cell[nullCode] ?? 0] as const] : [];
  if (offset === null || stats.knots.length === 0) {
    // No anchor in this row (or nothing learned): no value can be drawn from the offsets.
    const fixed = condition.numbers?.[0] ?? (Number.isFinite(condition.min) ? condition.min : condition.max);
    return {
      mass: condition.allowsNull ? share(cell, [[nullCode, 1]]) : 0,
      draw: () =>
        condition.allowsNull || !Number.isFinite(fixed)
          ? { code: nullCode, value: NULL_VALUE }
          : { code: NUMERIC_BINS - 1, value: { text: format(fixed), number: fixed } },
    };
  }
  if (condition.numbers !== null) {
    const values = condition.values ?? [];
    const bins = condition.numbers.map((n) =>
      binShares(lowQuantile(stats.knots, n - offset), highQuantile(stats.knots, n - offset)),
    );
    const weights = bins.map((shares) => shares.reduce((s, [b, f]) => s + (cell[b] ?? 0) * f, 0));
    const options = [...condition.numbers.keys(), ...(condition.allowsNull ? [-1] : [])];
    const optionWeights = [...weights, ...nullOption.map(([, w]) => w)];
    const mass = total(cell) <= 0 ? 0 : Math.min(1, optionWeights.reduce((a, b) => a + b, 0) / total(cell));
    return {
      mass,
      draw: (context) => {
        const i = pick(options, optionWeights, context.random);
        if (i === -1) return { code: nullCode, value: NULL_VALUE };
        const shares = bins[i] as [number, number][];
        const [code] = pick(
          shares,
          shares.map(([b, f]) => (cell[b] ?? 0) * f + 1e-12),
          context.random,
        );
        return { code, value: { text: values[i] ?? null, number: condition.numbers?.[i] ?? null } };
      },
    };
  }
  const low = lowQuantile(stats.knots, condition.min - offset);
  const high = highQuantile(stats.knots, condition.max - offset);
  const inside =
    high > low ||
    (high === low &&
      condition.min - offset <= (stats.knots[stats.knots.length - 1] as number) &&
      condition.max - offset >= (stats.knots[0] as number));
  const shares = inside ? binShares(low, high) : [];
  const options: [number, number][] = [
    ...shares,
    ...nullOption.map(([code]) => [code, 1] as [number, number]),
  ];
  const mass = share(cell, options);
  const clamp = (n: number): number => Math.min(condition.max, Math.max(condition.min, n));
  return {
    mass,
    draw: (context) => {
      const weights = options.map(([b, f]) => (cell[b] ?? 0) * f);
      if (options.length === 0) {
        // Nothing learned lies in the range (for this anchor): the bound nearest to what was learned.
        const n = clamp(valueAtQuantile(stats.knots, 0.5) + offset);
        return { code: n <= condition.min ? 0 : NUMERIC_BINS - 1, value: { text: format(n), number: n } };
      }
      const [code, f] = pick(options, weights, context.random);
      if (code === nullCode) return { code, value: NULL_VALUE };
      const from = Math.max(low, code / NUMERIC_BINS);
      const to = f === 1 && high <= low ? from : Math.min(high, (code + 1) / NUMERIC_BINS);
      const q = from + context.random.next() * (to - from);
      const n = clamp(roundTo(stats, valueAtQuantile(stats.knots, Math.min(q, 1 - 1e-12))) + offset);
      return { code, value: { text: format(n), number: n } };
    },
  };
}

/**
 * A numeric draw with excluded values cut out: their mass (the quantile span that rounds to them: an
 * atom of the learned distribution, or next to nothing for a continuous column) is taken from the kept
 * mass; a draw that lands on one is redrawn, and after a few tries moved to the nearest allowed step.
 */
function avoidExcluded(
  base: ConditionedDraw,
  stats: NumericStats,
  condition: ColumnCondition,
  cell: ArrayLike<number>,
  anchorValue: number | null,
): ConditionedDraw {
  const step = numericStep(stats.kind, stats.decimals, stats.resolution);
  const offset = stats.anchor !== null ? anchorValue : 0;
  const isExcluded = (n: number): boolean => condition.excludedNumbers.some((e) => sameNumber(e, n));
  let cut = 0;
  if (offset !== null && stats.knots.length > 0) {
    for (const n of condition.excludedNumbers) {
      if (n < condition.min || n > condition.max) continue;
      const low = lowQuantile(stats.knots, n - offset - step / 2);
      const high = highQuantile(stats.knots, n - offset + step / 2);
      if (high > low) cut += share(cell, binShares(low, high));
    }
  }
  const format = (n: number): string => formatNumeric(stats.kind, n, stats.decimals, stats.resolution);
  return {
    mass: Math.max(0, base.mass - cut),
    draw: (context) => {
      let drawn = base.draw(context);
      for (let i = 0; i < MAX_EXCLUSION_REDRAWS; i++) {
        if (drawn.value.number === null || !isExcluded(drawn.value.number)) return drawn;
        drawn = base.draw(context);
      }
      const from = drawn.value.number;
      if (from === null || !isExcluded(from)) return drawn;
      for (let k = 1; k <= condition.excludedNumbers.length + 1; k++) {
        for (const n of [from + k * step, from - k * step]) {
          if (n >= condition.min && n <= condition.max && !isExcluded(n))
            return { code: drawn.code, value: { text: format(n), number: n } };
        }
      }
      return drawn;
    },
  };
}

/** Whether a generated value (text as written) honours a column condition; numbers compare as numbers. */
export function valueHonours(
  condition: ColumnCondition,
  kind: NumericKind | null,
  text: string | null,
): boolean {
  if (text === null) return condition.onlyNull || condition.allowsNull;
  if (condition.onlyNull) return false;
  if (kind === null)
    return (
      (condition.values === null || condition.values.includes(text)) && !condition.excluded.includes(text)
    );
  const n = parseNumeric(kind, text);
  if (n === null) return false;
  if (condition.numbers !== null)
    return condition.numbers.some((v) => Math.abs(v - n) <= 1e-9 * Math.max(1, Math.abs(v)));
  return n >= condition.min && n <= condition.max && !condition.excludedNumbers.some((v) => sameNumber(v, n));
}

import type { TextSpan } from '../../../src/detection/detection-types.js';
import type { GoldSpan, LabelledText } from './generate-corpus.js';

export type SpanDetector = (text: string) => readonly TextSpan[];

const LOCATION_PARTS = new Set(['LOCATION', 'STREET_ADDRESS', 'CITY', 'STATE', 'POSTAL_CODE', 'COUNTRY']);

/**
 * Types agree when equal; LOCATION agrees with any of its parts (as the "LOCATION and its parts");
 * a DATE_OF_BIRTH found where the corpus labels a DATE_TIME is that date, typed more finely ("born {date}").
 */
function typesAgree(gold: string, predicted: string): boolean {
  if (gold === predicted) return true;
  if (gold === 'DATE_TIME' && predicted === 'DATE_OF_BIRTH') return true;
  return (
    (gold === 'LOCATION' || predicted === 'LOCATION') &&
    LOCATION_PARTS.has(gold) &&
    LOCATION_PARTS.has(predicted)
  );
}

function iou(a: { start: number; end: number }, b: { start: number; end: number }): number {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start);
  return union === 0 ? 0 : inter / union;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
export interface Figures extends Counts {
  precision: number;
  recall: number;
  f1: number;
  f2: number;
}

function figures(c: Counts): Figures {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f = (beta: number): number =>
    precision + recall === 0
      ? 0
      : ((1 + beta * beta) * precision * recall) / (beta * beta * precision + recall);
  return { ...c, precision, recall, f1: f(1), f2: f(2) };
}

/** Greedy one-to-one matching by overlap-over-union >= threshold, best overlaps first. */
function match(
  gold: readonly GoldSpan[],
  predicted: readonly TextSpan[],
  agree: (g: string, p: string) => boolean,
  threshold: number,
): { goldHit: boolean[]; predHit: boolean[] } {
  const pairs: [number, number, number][] = [];
  gold.forEach((g, i) =>
    predicted.forEach((p, j) => {
      const o = iou(g, p);
      if (o >= threshold && agree(g.type, p.type)) pairs.push([o, i, j]);
    }),
  );
  pairs.sort((a, b) => b[0] - a[0]);
  const goldHit = gold.map(() => false);
  const predHit = predicted.map(() => false);
  for (const [, i, j] of pairs) {
    if (goldHit[i] || predHit[j]) continue;
    goldHit[i] = true;
    predHit[j] = true;
  }
  return { goldHit, predHit };
}

export interface Score {
  perType: Record<string, Figures>;
  /** Typed match over all kinds. */
  overall: Figures;
  /** "Is this personal data at all": types ignored. */
  anyPii: Figures;
}

/**
 * Scores `detect` on `corpus`. Predictions of types the corpus never labels (e.g. AGE) are left out of
 * per-type precision but count as false positives in `anyPii` only when `countUnlabelledTypes` is set.
 */
export function scoreDetector(
  corpus: readonly LabelledText[],
  detect: SpanDetector,
  options: { threshold?: number; onlyTypes?: ReadonlySet<string>; countUnlabelledTypes?: boolean } = {},
): Score {
  const threshold = options.threshold ?? 0.7;
  const labelled = new Set(corpus.flatMap((t) => t.spans.map((s) => s.type)));
  const perType = new Map<string, Counts>();
  const any: Counts = { tp: 0, fp: 0, fn: 0 };
  const bump = (type: string, key: keyof Counts): void => {
    const c = perType.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    c[key]++;
    perType.set(type, c);
  };
  const keep = (type: string): boolean => options.onlyTypes === undefined || options.onlyTypes.has(type);
  for (const item of corpus) {
    const gold = item.spans.filter((s) => keep(s.type));
    const predicted = detect(item.text).filter(
      (p) =>
        keep(p.type) &&
        (labelled.has(p.type) ||
          p.type === 'LOCATION' ||
          (p.type === 'DATE_OF_BIRTH' && labelled.has('DATE_TIME')) ||
          options.countUnlabelledTypes === true),
    );
    const typed = match(gold, predicted, typesAgree, threshold);
    typed.goldHit.forEach((hit, i) => bump(gold[i]?.type ?? '?', hit ? 'tp' : 'fn'));
    typed.predHit.forEach((hit, j) => {
      if (!hit) bump(predicted[j]?.type ?? '?', 'fp');
    });
    const untyped = match(gold, predicted, () => true, threshold);
    any.tp += untyped.goldHit.filter(Boolean).length;
    any.fn += untyped.goldHit.filter((h) => !h).length;
    any.fp += untyped.predHit.filter((h) => !h).length;
  }
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const c of perType.values()) {
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  }
  return {
    perType: Object.fromEntries([...perType].sort().map(([t, c]) => [t, figures(c)])),
    overall: figures(total),
    anyPii: figures(any),
  };
}

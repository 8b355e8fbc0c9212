import type { CatalogueEntity, CompiledPattern, EntityCatalogue } from '../catalogue/index.js';
import { matchesTerms } from '../catalogue/index.js';
import type { ContextTerms } from '../catalogue/index.js';
import type { TextSpan } from '../detection-types.js';
import { wordsAfter, wordsBefore } from './context-window.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import type { ScoredSpan } from './resolve-overlaps.js';

export interface PatternSpanOptions {
  /** Spans scoring under this are dropped (default: the catalogue's `min_score`). */
  readonly minScore?: number;
  /** Only these entity ids (default: all). */
  readonly entities?: readonly string[];
  /** Keep overlapping spans of different kinds instead of resolving them (for the combiner). */
  readonly keepOverlaps?: boolean;
}

/** A raw regex hit: where, which rule. */
interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly pattern: CompiledPattern;
}

/** Per catalogue: the widest context window any entity uses, so one window per span serves them all. */
const widestWindow = new WeakMap<EntityCatalogue, { before: number; after: number }>();

function widest(catalogue: EntityCatalogue): { before: number; after: number } {
  let w = widestWindow.get(catalogue);
  if (w === undefined) {
    w = { before: 0, after: 0 };
    for (const e of catalogue.entities) {
      w.before = Math.max(w.before, e.window.before, e.negativeWindow.before);
      w.after = Math.max(w.after, e.window.after, e.negativeWindow.after);
    }
    widestWindow.set(catalogue, w);
  }
  return w;
}

/** How many ASCII digits, and which lengths of maximal digit runs (bit n; bit 31 for 31 and more). */
function digitStats(text: string): { digits: number; runs: number } {
  let digits = 0;
  let runs = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      run++;
    } else if (run > 0) {
      runs |= 1 << Math.min(run, 31);
      run = 0;
    }
  }
  if (run > 0) runs |= 1 << Math.min(run, 31);
  return { digits, runs };
}

function scan(text: string, pattern: CompiledPattern, out: Candidate[]): void {
  const re = pattern.scan;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (pattern.hasValueGroup) {
      const range = m.indices?.groups?.['value'];
      if (range !== undefined && range[1] > range[0]) out.push({ start: range[0], end: range[1], pattern });
    } else {
      out.push({ start: m.index, end: m.index + m[0].length, pattern });
    }
  }
}

function containsAny(text: string, literals: readonly string[]): boolean {
  for (const literal of literals) if (text.includes(literal)) return true;
  return false;
}

const wantedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** The set of an `entities` option, built once per array (a combiner passes the same array every call). */
function wantedSet(entities: readonly string[]): ReadonlySet<string> {
  let set = wantedSets.get(entities);
  if (set === undefined) {
    set = new Set(entities);
    wantedSets.set(entities, set);
  }
  return set;
}

/** Every bounded digit run of the text, once for all bare digit-run rules. */
function digitRunsOf(text: string, re: RegExp): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out;
}

/** The words around each candidate span, read once per span however many entities share it. */
class ContextCache {
  readonly #windows = new Map<number, { before: string[]; after: string[] }>();

  constructor(
    private readonly text: string,
    private readonly widest: { before: number; after: number },
  ) {}

  has(start: number, end: number, size: { before: number; after: number }, terms: ContextTerms): boolean {
    if (terms.words.size === 0 && terms.phrases.length === 0) return false;
    const key = start * 0x100000 + (end - start);
    let w = this.#windows.get(key);
    if (w === undefined) {
      w = {
        before: wordsBefore(this.text, start, this.widest.before),
        after: wordsAfter(this.text, end, this.widest.after),
      };
      this.#windows.set(key, w);
    }
    // Phrases are matched on each side separately so that they never span the value itself.
    const before = size.before >= w.before.length ? w.before : w.before.slice(w.before.length - size.before);
    const after = size.after >= w.after.length ? w.after : w.after.slice(0, size.after);
    return matchesTerms(before, terms) || matchesTerms(after, terms);
  }
}

/**
 * Finds personal data in free text with the catalogue's regex rules: prefilters skip rules that cannot
 * match, every hit is validated, scored with whole-word context on both sides, and overlaps are resolved
 * (validated, then higher score, then longer). Entities with `patterns_from` reuse another entity's hits.
 */
export function findPatternSpans(
  text: string,
  catalogue: EntityCatalogue,
  options: PatternSpanOptions = {},
): TextSpan[] {
  return findScoredPatternSpans(text, catalogue, options).map(({ validated: _v, ...span }) => span);
}

/** As `findPatternSpans`, keeping whether each span's validator passed. */
export function findScoredPatternSpans(
  text: string,
  catalogue: EntityCatalogue,
  options: PatternSpanOptions = {},
): ScoredSpan[] {
  if (text.length === 0) return [];
  const d = catalogue.defaults;
  const minScore = options.minScore ?? d.min_score;
  const wanted = options.entities === undefined ? undefined : wantedSet(options.entities);
  const { digits, runs: runLengths } = digitStats(text);
  const context = new ContextCache(text, widest(catalogue));
  const hits = new Map<string, Candidate[]>();
  let runs: { start: number; end: number; text: string }[] | undefined;
  let lowered: string | undefined;
  const candidatesOf = (entity: CatalogueEntity): Candidate[] => {
    let found = hits.get(entity.id);
    if (found === undefined) {
      found = [];
      for (const p of entity.patterns) {
        if (digits < p.minDigits) continue;
        if (p.runLength > 0 && (runLengths & (1 << p.runLength)) === 0) continue;
        if (p.anyOfLiterals !== undefined) {
          lowered ??= text.toLowerCase();
          if (!containsAny(lowered, p.anyOfLiterals)) continue;
        }
        if (p.digitRun === undefined || catalogue.digitRuns === undefined) {
          scan(text, p, found);
          continue;
        }
        runs ??= digitRunsOf(text, catalogue.digitRuns);
        for (const run of runs) if (p.digitRun.test(run.text)) found.push({ ...run, pattern: p });
      }
      hits.set(entity.id, found);
    }
    return found;
  };
  const spans: ScoredSpan[] = [];
  for (const entity of catalogue.entities) {
    if (wanted !== undefined && !wanted.has(entity.id)) continue;
    const source = entity.patternsFrom === undefined ? entity : catalogue.get(entity.patternsFrom);
    if (source === undefined || source.patterns.length === 0) continue;
    const derived = entity.patternsFrom !== undefined && entity.derivedScore !== undefined;
    const suffix = entity.patternsFrom === undefined ? '' : `>${entity.id.toLowerCase()}`;
    const hasContext = entity.context.words.size > 0 || entity.context.phrases.length > 0;
    for (const c of candidatesOf(source)) {
      let score = derived ? (entity.derivedScore ?? 0) : c.pattern.score;
      // The best this candidate can reach; below the threshold, skip the validator and the context.
      const validatedScore = Math.max(
        score,
        Math.min(d.validated_max_without_context, score + d.validation_boost),
      );
      const ceiling =
        (entity.validate === undefined ? score : validatedScore) + (hasContext ? entity.contextBoost : 0);
      if (ceiling < minScore) continue;
      let validated = false;
      if (entity.validate !== undefined) {
        if (entity.validate(text.slice(c.start, c.end))) {
          validated = true;
          score = validatedScore;
        } else if (entity.validatorRequired) {
          continue;
        } else {
          score *= d.failed_validation_factor;
        }
      }
      if (hasContext && context.has(c.start, c.end, entity.window, entity.context))
        score += entity.contextBoost;
      if (score < minScore) continue;
      if (context.has(c.start, c.end, entity.negativeWindow, entity.negativeContext))
        score -= d.negative_context_penalty;
      if (score < minScore) continue;
      spans.push({
        type: entity.id,
        start: c.start,
        end: c.end,
        score: Math.round(Math.min(1, score) * 1000) / 1000,
        detector: `pattern:${c.pattern.name}${suffix}`,
        validated,
      });
    }
  }
  return options.keepOverlaps === true
    ? spans.sort((a, b) => a.start - b.start)
    : resolveOverlaps(spans, text.length);
}

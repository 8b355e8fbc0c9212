import type { CatalogueEntity, CompiledPattern, EntityCatalogue } from '../catalogue/index.js';
import type { ContextTerms } from '../catalogue/index.js';
import type { TextSpan } from '../detection-types.js';
import { requiredRuns, runsSuffice, textRuns } from './character-runs.js';
import { wordsAfter, wordsBefore } from './context-window.js';
import { LiteralPresence } from './literal-presence.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import { sortSmall } from './sort-small.js';
import type { ScoredSpan } from './resolve-overlaps.js';

export interface PatternSpanOptions {
  /** Spans scoring under this are dropped (default: the catalogue's `min_score`). */
  readonly minScore?: number;
  /** Only these entity ids (default: all). */
  readonly entities?: readonly string[];
  /** Keep overlapping spans of different kinds instead of resolving them (for the combiner). */
  readonly keepOverlaps?: boolean;
  /** Spans other detectors found in this text (people…), for rules that accept a value right after one. */
  readonly neighbours?: readonly TextSpan[];
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

/** Most characters between a name and its number: "Ann Lee (", "Ann Lee, ", "Ann Lee - ". */
const NEIGHBOUR_GAP = 3;
const GAP = /^[ \t]*(?:[(,:]|-|–)?[ \t]*$/;

/**
 * A neighbour of one of `types` ends right before `start`, only a bracket, comma, colon or dash between.
 * `neighbours` are in text order and do not overlap (as every detector returns them), so ends are sorted too.
 */
function follows(
  text: string,
  start: number,
  types: ReadonlySet<string>,
  neighbours: readonly TextSpan[] | undefined,
): boolean {
  if (neighbours === undefined || neighbours.length === 0 || types.size === 0) return false;
  // The last neighbour ending at or before `start`.
  let low = 0;
  let high = neighbours.length - 1;
  let at = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((neighbours[mid] as TextSpan).end <= start) {
      at = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  for (let i = at; i >= 0; i--) {
    const n = neighbours[i] as TextSpan;
    if (start - n.end > NEIGHBOUR_GAP) break;
    if (types.has(n.type) && GAP.test(text.slice(n.end, start))) return true;
  }
  return false;
}

/** ASCII digits in `text[start, end)`. */
export function digitsIn(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Adds `pattern`'s hits in `text` to `out`, made on the first hit (most scans find nothing). */
function scan(text: string, pattern: CompiledPattern, out: Candidate[] | undefined): Candidate[] | undefined {
  const re = pattern.scan;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (pattern.hasValueGroup) {
      const range = m.indices?.groups?.['value'];
      if (range !== undefined && range[1] > range[0])
        (out ??= []).push({ start: range[0], end: range[1], pattern });
    } else {
      (out ??= []).push({ start: m.index, end: m.index + m[0].length, pattern });
    }
  }
  return out;
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

/** One rule of a source entity, with its prefilter literals as indices into the plan's distinct literals. */
interface PatternStep {
  readonly pattern: CompiledPattern;
  readonly literals: readonly number[] | undefined;
  /** The character runs every match holds (character-runs.ts); undefined when the rule needs none. */
  readonly runs: readonly number[] | undefined;
}

/** One wanted entity: where its candidates come from and what is constant across calls. */
interface EntityStep {
  readonly entity: CatalogueEntity;
  /** Index into `ScanPlan.sources`. */
  readonly source: number;
  readonly derived: boolean;
  readonly suffix: string;
  readonly hasContext: boolean;
}

/**
 * What a catalogue and an `entities` option ask for, worked out once instead of on every text: the wanted
 * entities in catalogue order, the entities whose rules are scanned, and the distinct prefilter literals
 * (each tested once per text however many rules share it).
 */
interface ScanPlan {
  readonly steps: readonly EntityStep[];
  readonly sources: readonly (readonly PatternStep[])[];
  readonly literals: readonly string[];
  readonly presence: LiteralPresence;
  readonly widest: { before: number; after: number };
  /** Per `minScore`: rules that no wanted entity could score at or above it (never scanned). */
  readonly dead: Map<number, readonly (readonly boolean[])[]>;
}

/** Plans per catalogue: one for "all entities", one per `entities` array (a combiner passes the same array every call). */
const plans = new WeakMap<
  EntityCatalogue,
  { all?: ScanPlan; byOption: WeakMap<readonly string[], ScanPlan> }
>();

function planOf(catalogue: EntityCatalogue, entities: readonly string[] | undefined): ScanPlan {
  let cached = plans.get(catalogue);
  if (cached === undefined) {
    cached = { byOption: new WeakMap() };
    plans.set(catalogue, cached);
  }
  let plan = entities === undefined ? cached.all : cached.byOption.get(entities);
  if (plan !== undefined) return plan;
  const wanted = entities === undefined ? undefined : new Set(entities);
  const sourceIndex = new Map<string, number>();
  const sources: PatternStep[][] = [];
  const literals: string[] = [];
  const literalIndex = new Map<string, number>();
  const steps: EntityStep[] = [];
  for (const entity of catalogue.entities) {
    if (wanted !== undefined && !wanted.has(entity.id)) continue;
    const source = entity.patternsFrom === undefined ? entity : catalogue.get(entity.patternsFrom);
    if (source === undefined || source.patterns.length === 0) continue;
    let index = sourceIndex.get(source.id);
    if (index === undefined) {
      index = sources.length;
      sourceIndex.set(source.id, index);
      sources.push(
        source.patterns.map((pattern) => ({
          pattern,
          runs: runsOf(pattern),
          literals: pattern.anyOfLiterals?.map((literal) => {
            let at = literalIndex.get(literal);
            if (at === undefined) {
              at = literals.length;
              literals.push(literal);
              literalIndex.set(literal, at);
            }
            return at;
          }),
        })),
      );
    }
    steps.push({
      entity,
      source: index,
      derived: entity.patternsFrom !== undefined && entity.derivedScore !== undefined,
      suffix: entity.patternsFrom === undefined ? '' : `>${entity.id.toLowerCase()}`,
      hasContext:
        entity.context.words.size > 0 || entity.context.phrases.length > 0 || entity.contextEntities.size > 0,
    });
  }
  plan = {
    steps,
    sources,
    literals,
    presence: new LiteralPresence(literals),
    widest: widest(catalogue),
    dead: new Map(),
  };
  if (entities === undefined) cached.all = plan;
  else cached.byOption.set(entities, plan);
  return plan;
}

/** What `pattern` needs of a text's character runs, or undefined when it needs nothing. */
function runsOf(pattern: CompiledPattern): readonly number[] | undefined {
  const needs = requiredRuns(pattern.scan.source, pattern.scan.flags);
  return needs.some((n) => n > 0) ? needs : undefined;
}

/** The best score a candidate of `pattern` can reach for this entity (validator passed, context found). */
function ceilingOf(step: EntityStep, pattern: CompiledPattern, d: EntityCatalogue['defaults']): number {
  const { entity } = step;
  const score = step.derived ? (entity.derivedScore ?? 0) : pattern.score;
  const validatedScore = Math.max(
    score,
    Math.min(d.validated_max_without_context, score + d.validation_boost),
  );
  return Math.max(
    (entity.validate === undefined ? score : validatedScore) + (step.hasContext ? entity.contextBoost : 0),
    entity.unvalidatedWithContext?.score ?? 0,
  );
}

/** Rules whose every candidate would be dropped below `minScore` by every entity that reads them. */
function deadRules(
  plan: ScanPlan,
  minScore: number,
  d: EntityCatalogue['defaults'],
): readonly (readonly boolean[])[] {
  let dead = plan.dead.get(minScore);
  if (dead === undefined) {
    const live = plan.sources.map((rules) => rules.map(() => false));
    for (const step of plan.steps) {
      const rules = plan.sources[step.source] ?? [];
      const flags = live[step.source] ?? [];
      rules.forEach((r, i) => {
        if (ceilingOf(step, r.pattern, d) >= minScore) flags[i] = true;
      });
    }
    dead = live.map((flags) => flags.map((l) => !l));
    plan.dead.set(minScore, dead);
  }
  return dead;
}

/** The words around each candidate span, read once per span however many entities share it. */
class ContextCache {
  // Made on the first window asked for: most texts ask for none.
  #windows: Map<number, { before: string[]; after: string[] }> | undefined;

  constructor(
    private readonly text: string,
    private readonly widest: { before: number; after: number },
  ) {}

  has(start: number, end: number, size: { before: number; after: number }, terms: ContextTerms): boolean {
    if (terms.words.size === 0 && terms.phrases.length === 0) return false;
    const key = start * 0x100000 + (end - start);
    this.#windows ??= new Map();
    let w = this.#windows.get(key);
    if (w === undefined) {
      w = {
        before: wordsBefore(this.text, start, this.widest.before),
        after: wordsAfter(this.text, end, this.widest.after),
      };
      this.#windows.set(key, w);
    }
    // Phrases are matched on each side separately so that they never span the value itself.
    const { before, after } = w;
    return (
      matchesTermsIn(before, Math.max(0, before.length - size.before), before.length, terms) ||
      matchesTermsIn(after, 0, Math.min(size.after, after.length), terms)
    );
  }
}

/** Per context terms: its phrases by their first word (phrases have two words or more). */
const phrasesByFirstWord = new WeakMap<ContextTerms, ReadonlyMap<string, readonly (readonly string[])[]>>();

function phrasesStartingWith(terms: ContextTerms): ReadonlyMap<string, readonly (readonly string[])[]> {
  let index = phrasesByFirstWord.get(terms);
  if (index === undefined) {
    const byFirst = new Map<string, (readonly string[])[]>();
    for (const phrase of terms.phrases) {
      const first = phrase[0] ?? '';
      const list = byFirst.get(first);
      if (list === undefined) byFirst.set(first, [phrase]);
      else list.push(phrase);
    }
    index = byFirst;
    phrasesByFirstWord.set(terms, index);
  }
  return index;
}

/**
 * `matchesTerms` on `words[from, to)`, without copying that part of the window. Phrases are tried only
 * where a window word begins one (one map lookup per word instead of every phrase at every position).
 */
function matchesTermsIn(words: readonly string[], from: number, to: number, terms: ContextTerms): boolean {
  for (let i = from; i < to; i++) if (terms.words.has(words[i] ?? '')) return true;
  if (terms.phrases.length === 0) return false;
  const byFirst = phrasesStartingWith(terms);
  for (let i = from; i < to; i++) {
    const phrases = byFirst.get(words[i] ?? '');
    if (phrases === undefined) continue;
    for (const phrase of phrases) {
      if (i + phrase.length > to) continue;
      let all = true;
      for (let j = 1; j < phrase.length && all; j++) all = words[i + j] === phrase[j];
      if (all) return true;
    }
  }
  return false;
}

/**
 * Context for candidate `c` of `entity`: its words around the span, or a neighbour of a kind it accepts
 * right before it. A function rather than a closure per candidate (one fewer allocation in the hot loop).
 */
function inContext(
  text: string,
  c: Candidate,
  entity: CatalogueEntity,
  hasContext: boolean,
  context: ContextCache,
  neighbours: readonly TextSpan[] | undefined,
): boolean {
  return (
    (hasContext && context.has(c.start, c.end, entity.window, entity.context)) ||
    follows(text, c.start, entity.contextEntities, neighbours)
  );
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
  return asTextSpans(findScoredPatternSpans(text, catalogue, options));
}

/**
 * `findPatternSpans` of each text, same spans: `neighbours[i]` are text i's. Faster over many texts: each
 * rule is scanned over every text of the batch before the next rule, so its compiled regex stays hot.
 * Measured on 64-text batches of the corpus: every rule over every text 0.79x the time of text by text;
 * `detectAll` 0.93-0.96x (paired rounds in one process, 2026-11-28).
 */
export function findPatternSpansAll(
  texts: readonly string[],
  catalogue: EntityCatalogue,
  options: Omit<PatternSpanOptions, 'neighbours'> & {
    readonly neighbours?: readonly (readonly TextSpan[] | undefined)[];
  } = {},
): TextSpan[][] {
  return scoredSpansOf(texts, catalogue, options, options.neighbours ?? []).map(asTextSpans);
}

function asTextSpans(spans: readonly ScoredSpan[]): TextSpan[] {
  // Fields copied by name, in TextSpan order: an object rest (`{ validated, ...span }`) costs a property
  // enumeration per span.
  return spans.map((s) => ({
    type: s.type,
    start: s.start,
    end: s.end,
    score: s.score,
    detector: s.detector,
  }));
}

/** The candidates of a source whose rules found nothing (most of them, in most texts). */
const NONE: readonly Candidate[] = [];

/** As `findPatternSpans`, keeping whether each span's validator passed. */
export function findScoredPatternSpans(
  text: string,
  catalogue: EntityCatalogue,
  options: PatternSpanOptions = {},
): ScoredSpan[] {
  return scoredSpansOf([text], catalogue, options, [options.neighbours])[0] ?? [];
}

/** What the prefilters read of one text, worked out in one pass before any rule is tried. */
interface TextFacts {
  readonly digits: number;
  readonly runLengths: number;
  readonly runs: readonly number[];
  /** Whether `seen` holds the text's prefilter literals (`plan.presence.mark`, made when a rule first asks). */
  marked: boolean;
  /** Every bounded digit run of the text (bare digit-run rules); made when a rule first asks. */
  digitRuns: { start: number; end: number; text: string }[] | undefined;
}

/** Literal marks of a call's texts, text t's at t × (literal count): calls are synchronous. */
let seen = new Uint8Array(256);

/**
 * The scored spans of each text. Candidates are collected rule by rule over all the texts (each text's
 * candidates of a source in rule order, as one text alone would collect them), then each text's are scored.
 */
function scoredSpansOf(
  texts: readonly string[],
  catalogue: EntityCatalogue,
  options: Omit<PatternSpanOptions, 'neighbours'>,
  neighbours: readonly (readonly TextSpan[] | undefined)[],
): ScoredSpan[][] {
  const d = catalogue.defaults;
  const minScore = options.minScore ?? d.min_score;
  const plan = planOf(catalogue, options.entities);
  const dead = deadRules(plan, minScore, d);
  const n = texts.length;
  const facts = new Array<TextFacts | undefined>(n);
  for (let t = 0; t < n; t++) {
    const text = texts[t] as string;
    if (text.length === 0) continue;
    const { digits, digitRunLengths, runs } = textRuns(text);
    facts[t] = { digits, runLengths: digitRunLengths, runs, marked: false, digitRuns: undefined };
  }
  const literalCount = plan.literals.length;
  if (seen.length < literalCount * n) seen = new Uint8Array(literalCount * n * 2);
  // hits[source × n + t]: the candidates of that source's rules in text t, undefined for none.
  const hits = new Array<Candidate[] | undefined>(plan.sources.length * n);
  for (let source = 0; source < plan.sources.length; source++) {
    const rules = plan.sources[source] as readonly PatternStep[];
    const deadHere = dead[source] ?? [];
    for (let r = 0; r < rules.length; r++) {
      if (deadHere[r] === true) continue;
      const { pattern: p, literals, runs: needs } = rules[r] as PatternStep;
      for (let t = 0; t < n; t++) {
        const fact = facts[t];
        if (fact === undefined) continue;
        if (fact.digits < p.minDigits) continue;
        if (p.runLength > 0 && (fact.runLengths & (1 << p.runLength)) === 0) continue;
        if (needs !== undefined && !runsSuffice(fact.runs, needs)) continue;
        const text = texts[t] as string;
        if (literals !== undefined) {
          const at = t * literalCount;
          if (!fact.marked) {
            plan.presence.mark(text, seen, at);
            fact.marked = true;
          }
          let any = false;
          for (const l of literals) {
            if (seen[at + l] === 1) {
              any = true;
              break;
            }
          }
          if (!any) continue;
        }
        const slot = source * n + t;
        if (p.digitRun === undefined || catalogue.digitRuns === undefined) {
          hits[slot] = scan(text, p, hits[slot]);
          continue;
        }
        fact.digitRuns ??= digitRunsOf(text, catalogue.digitRuns);
        for (const run of fact.digitRuns)
          if (p.digitRun.test(run.text))
            (hits[slot] ??= []).push({ start: run.start, end: run.end, pattern: p });
      }
    }
  }
  const out = new Array<ScoredSpan[]>(n);
  for (let t = 0; t < n; t++)
    out[t] =
      facts[t] === undefined
        ? []
        : scoreCandidates(texts[t] as string, t, n, plan, hits, minScore, d, options, neighbours[t]);
  return out;
}

/** Scores text `t`'s candidates for every wanted entity, and resolves overlaps unless asked to keep them. */
function scoreCandidates(
  text: string,
  t: number,
  n: number,
  plan: ScanPlan,
  hits: readonly (Candidate[] | undefined)[],
  minScore: number,
  d: EntityCatalogue['defaults'],
  options: Omit<PatternSpanOptions, 'neighbours'>,
  neighbours: readonly TextSpan[] | undefined,
): ScoredSpan[] {
  const context = new ContextCache(text, plan.widest);
  const spans: ScoredSpan[] = [];
  for (const step of plan.steps) {
    const candidates = hits[step.source * n + t] ?? NONE;
    const { entity, derived, suffix, hasContext } = step;
    for (const c of candidates) {
      let score = derived ? (entity.derivedScore ?? 0) : c.pattern.score;
      // The best this candidate can reach; below the threshold, skip the validator and the context.
      const validatedScore = Math.max(
        score,
        Math.min(d.validated_max_without_context, score + d.validation_boost),
      );
      const unvalidated = entity.unvalidatedWithContext;
      const ceiling = Math.max(
        (entity.validate === undefined ? score : validatedScore) + (hasContext ? entity.contextBoost : 0),
        unvalidated?.score ?? 0,
      );
      if (ceiling < minScore) continue;
      let validated = false;
      if (entity.validate !== undefined) {
        if (entity.validate(text.slice(c.start, c.end))) {
          validated = true;
          score =
            validatedScore +
            (inContext(text, c, entity, hasContext, context, neighbours) ? entity.contextBoost : 0);
        } else if (
          unvalidated !== undefined &&
          digitsIn(text, c.start, c.end) >= unvalidated.minDigits &&
          inContext(text, c, entity, hasContext, context, neighbours)
        ) {
          // "Callback number: 56 50 31 42": a number in a plan the validator does not know is still one.
          score = unvalidated.score;
        } else if (entity.validatorRequired) {
          continue;
        } else {
          score *= d.failed_validation_factor;
          if (inContext(text, c, entity, hasContext, context, neighbours)) score += entity.contextBoost;
        }
      } else if (inContext(text, c, entity, hasContext, context, neighbours)) score += entity.contextBoost;
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
    ? sortSmall(spans, (a, b) => a.start - b.start)
    : resolveOverlaps(spans, text.length);
}

import type { Evidence } from '../detection-types.js';
import type { ColumnNameRules, NameHint } from './column-name-rules.js';
import { findPhrase } from './tokenize-name.js';

/** What a column's name (and its table, neighbours, comment) says. Details name tokens and rules only. */
export interface NameFindings {
  /** Best confidence per entity from names, with its evidence. */
  readonly candidates: ReadonlyMap<string, { readonly confidence: number; readonly evidence: Evidence }>;
  /** Entities ruled out by negative evidence. */
  readonly excluded: ReadonlySet<string>;
  /** The name says "not personal" (surrogate key, money, status, …). */
  readonly notPersonal: { readonly confidence: number; readonly evidence: Evidence } | null;
  /** The name says free text (`notes`, `body`, `comment`). */
  readonly freeText: boolean;
  /** The last token is an identifier suffix not covered by a matched phrase (`address_id`). */
  readonly idSuffix: boolean;
}

export interface NameContext {
  /** Tokens of the column name (for JSON: the leaf key). */
  readonly column: readonly string[];
  /** Tokens of the table name (for JSON: the parent keys, then the table and column). */
  readonly table: readonly (readonly string[])[];
  /** Token lists of the neighbouring columns (for JSON: sibling keys). */
  readonly neighbours: readonly (readonly string[])[];
  /** Tokens of the column comment, when there is one. */
  readonly comment: readonly string[];
  /** Evidence detector name for the column's own name: `column_name` or `json_key`. */
  readonly detector: string;
}

/** How sure a context veto makes "not personal": the values still get a say. */
const VETO_CONFIDENCE = 0.75;

const ID_SUFFIXES = new Set(['id', 'uuid', 'oid', 'seq', 'serial']);

export function matchColumnName(rules: ColumnNameRules, ctx: NameContext): NameFindings {
  const excluded = new Set<string>();
  for (const negative of rules.negatives) {
    if (ctx.column.some((t) => negative.tokens.has(t))) for (const e of negative.excludes) excluded.add(e);
  }

  const candidates = new Map<string, { confidence: number; evidence: Evidence }>();
  const vetoes: Evidence[] = [];
  const covered = new Set<number>();
  const offer = (entity: string, confidence: number, evidence: Evidence): void => {
    if (excluded.has(entity)) return;
    const current = candidates.get(entity);
    if (current === undefined || current.confidence < confidence)
      candidates.set(entity, { confidence, evidence });
  };

  for (const hint of rules.hints) {
    for (const phrase of hint.phrases) {
      const at = findPhrase(ctx.column, phrase);
      if (at === -1) continue;
      const qualifiers = [...ctx.column.slice(0, at), ...ctx.column.slice(at + phrase.length)];
      if (hint.whole && !qualifiers.every((t) => rules.qualifierTokens.has(t))) continue;
      const decided = applyContext(rules, hint, qualifiers, ctx);
      if (decided === 'vetoed') {
        // The context says this names a thing: values cannot make it that entity (or its name parts) either.
        excluded.add(hint.entity);
        if (hint.entity === 'PERSON') for (const part of ['FIRST_NAME', 'LAST_NAME']) excluded.add(part);
        vetoes.push({
          detector: 'table_context',
          detail: `name token${phrase.length > 1 ? 's' : ''} "${phrase.join(' ')}" names a thing here, not ${hint.entity} (names[${hint.index}] unless ${hint.unless.join('/')})`,
          weight: -VETO_CONFIDENCE,
        });
        continue;
      }
      if (decided === null) continue;
      for (let i = at; i < at + phrase.length; i++) covered.add(i);
      offer(hint.entity, decided.confidence, {
        detector: decided.source === 'column' || decided.source === null ? ctx.detector : decided.source,
        detail:
          `name token${phrase.length > 1 ? 's' : ''} "${phrase.join(' ')}" (names[${hint.index}] → ${hint.entity})` +
          (decided.note === '' ? '' : `; ${decided.note}`),
        weight: round(decided.confidence),
      });
    }
  }

  // Comments are read like names, at a discount: they describe the column in prose.
  if (ctx.comment.length > 0) {
    for (const hint of rules.hints) {
      if (hint.whole || hint.context !== null) continue;
      for (const phrase of hint.phrases) {
        if (findPhrase(ctx.comment, phrase) === -1) continue;
        offer(hint.entity, hint.confidence * 0.7, {
          detector: 'comment',
          detail: `comment mentions "${phrase.join(' ')}" (names[${hint.index}] → ${hint.entity})`,
          weight: round(hint.confidence * 0.7),
        });
      }
    }
  }

  const last = ctx.column.length - 1;
  const idSuffix = last >= 0 && ID_SUFFIXES.has(ctx.column[last] ?? '') && !covered.has(last);

  let notPersonal: NameFindings['notPersonal'] = null;
  for (const rule of rules.notPersonal) {
    for (const phrase of rule.phrases) {
      const at = findPhrase(ctx.column, phrase);
      if (at === -1) continue;
      if (rule.last && at + phrase.length !== ctx.column.length) continue;
      if (notPersonal === null || notPersonal.confidence < rule.confidence) {
        notPersonal = {
          confidence: rule.confidence,
          evidence: {
            detector: ctx.detector,
            detail: `name token${phrase.length > 1 ? 's' : ''} "${phrase.join(' ')}" says not personal`,
            weight: -round(rule.confidence),
          },
        };
      }
    }
  }

  // A hint vetoed by its context (`category.name`, `product_name`) is evidence of "a thing's name".
  const veto = vetoes[0];
  if (
    candidates.size === 0 &&
    veto !== undefined &&
    (notPersonal === null || notPersonal.confidence < VETO_CONFIDENCE)
  ) {
    notPersonal = { confidence: VETO_CONFIDENCE, evidence: veto };
  }

  const freeText = rules.freeText.some((phrase) => findPhrase(ctx.column, phrase) !== -1);
  return { candidates, excluded, notPersonal, freeText, idSuffix };
}

interface ContextDecision {
  readonly confidence: number;
  /** Which source settled the context: the column's own qualifiers, the table, or neighbours. */
  readonly source: 'column' | 'table_context' | 'neighbours' | null;
  readonly note: string;
}

/**
 * The closest source that names any context class decides: the column's own qualifier tokens
 * (`product_name`), then the table name (and JSON parent keys), then the neighbouring column names.
 */
function applyContext(
  rules: ColumnNameRules,
  hint: NameHint,
  qualifiers: readonly string[],
  ctx: NameContext,
): ContextDecision | 'vetoed' | null {
  if (hint.context === null && hint.unless.length === 0)
    return { confidence: hint.confidence, source: null, note: '' };
  const found = contextClasses(rules, qualifiers, ctx);
  if (found !== null) {
    const veto = hint.unless.find((c) => found.classes.has(c));
    if (veto !== undefined) return 'vetoed';
    const met = hint.context === null || hint.context.some((c) => found.classes.has(c));
    if (met) {
      const which = hint.context?.find((c) => found.classes.has(c));
      return {
        confidence: hint.confidence,
        source: found.source,
        note: which === undefined ? '' : `${describeSource(found.source)} is ${which}`,
      };
    }
  }
  if (hint.context === null) return { confidence: hint.confidence, source: null, note: '' };
  if (hint.otherwise === null) return null;
  return { confidence: hint.otherwise, source: null, note: 'no supporting context' };
}

function describeSource(source: 'column' | 'table_context' | 'neighbours'): string {
  return source === 'column' ? 'name qualifier' : source === 'table_context' ? 'table' : 'neighbourhood';
}

function contextClasses(
  rules: ColumnNameRules,
  qualifiers: readonly string[],
  ctx: NameContext,
): { classes: Set<string>; source: 'column' | 'table_context' | 'neighbours' } | null {
  const fromTokens = (tokens: readonly string[]): Set<string> => {
    const classes = new Set<string>();
    for (const c of rules.contexts) {
      if (tokens.some((t) => c.tableTokens.has(t) || c.tableTokens.has(singular(t)))) classes.add(c.name);
    }
    return classes;
  };
  const own = fromTokens(qualifiers);
  if (own.size > 0) return { classes: own, source: 'column' };
  // Nearest table-like scope first (for JSON, the innermost parent key).
  for (const tokens of ctx.table) {
    const classes = fromTokens(tokens);
    if (classes.size > 0) return { classes, source: 'table_context' };
  }
  const byNeighbours = new Set<string>();
  for (const c of rules.contexts) {
    if (c.neighbourPhrases.some((p) => ctx.neighbours.some((n) => findPhrase(n, p) !== -1)))
      byNeighbours.add(c.name);
  }
  return byNeighbours.size > 0 ? { classes: byNeighbours, source: 'neighbours' } : null;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** English plural → singular for table names (`addresses`, `categories`, `people` stays). */
function singular(token: string): string {
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (/(?:ss|x|ch|sh)es$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('s') && !token.endsWith('ss') && token.length > 3) return token.slice(0, -1);
  return token;
}

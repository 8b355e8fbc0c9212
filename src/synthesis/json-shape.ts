import type { EntityKind } from '../core/index.js';
import { quantileKnots, valueAtQuantile } from './column-stats.js';
import { drawSparse, type SeededRandom } from './seeded-random.js';
import { JSON_TYPES, type JsonLeafStrings, type JsonNodeModel, type JsonShape } from './synthesis-model.js';

/** Nodes (paths) learnt per JSON column: the most frequent, so a model stays bounded. */
const MAX_NODES = 200;
const MAX_DEPTH = 12;
/** String categories kept per path (each seen in at least k documents' leaves). */
const MAX_CATEGORIES = 200;
/** Quantile knots per numeric path. */
const KNOTS = 20;
/** Array elements learnt per array (the rest only count towards its length). */
const MAX_ITEMS = 10;
/** Longest array generated. */
const MAX_LENGTH = 100;

/** What a JSON leaf path gets: learnt (the default), a fake of an entity kind, or NULL. */
export type JsonLeafTreatment =
  | { readonly kind: 'personal'; readonly entity: EntityKind; readonly scope: string }
  | { readonly kind: 'blank' };

export interface JsonFitOptions {
  /** Per leaf path (`$.contact.email`, `$.items[*].name`): the policy's decision; absent: learnt. */
  readonly leaves: ReadonlyMap<string, JsonLeafTreatment>;
  /** String leaves on no named path: learnt (`keep`, `redact_text`: frequent values, rare ones made up) or NULL. */
  readonly otherStrings: 'model' | 'blank';
  /** Keys, categories and array lengths seen fewer times are never stored (k). */
  readonly minRows: number;
  /** A jsonb column: documents are written in jsonb's output form (so equal documents are equal text). */
  readonly jsonb: boolean;
}

type Type = (typeof JSON_TYPES)[number];

interface Raw {
  readonly path: string;
  readonly types: number[];
  readonly keys: Map<string, { present: number; node: Raw }>;
  readonly lengths: Map<number, number>;
  items: Raw | null;
  readonly strings: Map<string, number>;
  readonly numbers: number[];
  integer: boolean;
  decimals: number;
}

const newRaw = (path: string): Raw => ({
  path,
  types: JSON_TYPES.map(() => 0),
  keys: new Map(),
  lengths: new Map(),
  items: null,
  strings: new Map(),
  numbers: [],
  integer: true,
  decimals: 0,
});

/** A key as a path step, as detection and policies write it: `.key` or `["any key"]`. */
export function pathStep(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Learns a JSON column's document shape from its sampled text: per path the types seen, per object the
 * keys and how often each is present, per array its lengths and one model of its elements, and per leaf
 * path a marginal (frequent strings, number quantiles, booleans). Named personal paths keep only how
 * often they are present: their values are generated as fakes. Keys, strings and lengths seen fewer than
 * k times are never stored; at most MAX_NODES paths (the most frequent) are kept.
 */
export function fitJsonShape(values: readonly (string | null)[], options: JsonFitOptions): JsonShape {
  const root = newRaw('$');
  let nulls = 0;
  let nodes = 1;
  const visit = (raw: Raw, value: unknown, depth: number): void => {
    const type = typeOf(value);
    raw.types[JSON_TYPES.indexOf(type)] = (raw.types[JSON_TYPES.indexOf(type)] ?? 0) + 1;
    if (depth >= MAX_DEPTH) return;
    if (type === 'object') {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        let entry = raw.keys.get(key);
        if (entry === undefined) {
          if (nodes >= MAX_NODES * 4) continue; // bounded while reading; pruned to MAX_NODES below
          nodes++;
          entry = { present: 0, node: newRaw(`${raw.path}${pathStep(key)}`) };
          raw.keys.set(key, entry);
        }
        entry.present++;
        visit(entry.node, child, depth + 1);
      }
    } else if (type === 'array') {
      const array = value as unknown[];
      raw.lengths.set(array.length, (raw.lengths.get(array.length) ?? 0) + 1);
      if (array.length > 0 && raw.items === null) {
        nodes++;
        raw.items = newRaw(`${raw.path}[*]`);
      }
      for (const item of array.slice(0, MAX_ITEMS)) if (raw.items !== null) visit(raw.items, item, depth + 1);
    } else if (type === 'string') {
      const s = value as string;
      raw.strings.set(s, (raw.strings.get(s) ?? 0) + 1);
    } else if (type === 'number') {
      const n = value as number;
      raw.numbers.push(n);
      if (!Number.isInteger(n)) {
        raw.integer = false;
        const text = String(n);
        const dot = text.indexOf('.');
        if (dot !== -1 && !text.includes('e')) raw.decimals = Math.max(raw.decimals, text.length - dot - 1);
      }
    }
  };
  for (const text of values) {
    if (text === null) {
      nulls++;
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      continue; // PostgreSQL json holds only valid documents; anything else is not learnt
    }
    visit(root, doc, 0);
  }
  const keep = keptPaths(root, options.minRows);
  return {
    nullShare: values.length === 0 ? 0 : nulls / values.length,
    root: finish(root, keep, options),
    ...(options.jsonb ? { jsonb: true } : {}),
  };
}

function typeOf(value: unknown): Type {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  return value === true ? 'true' : 'false';
}

const occurrences = (raw: Raw): number => raw.types.reduce((a, b) => a + b, 0);

/** Paths of keys present at least k times, the MAX_NODES most frequent (a kept path under a dropped one is unused). */
function keptPaths(root: Raw, minRows: number): Set<string> {
  const all: Raw[] = [];
  const collect = (raw: Raw): void => {
    for (const { present, node } of raw.keys.values()) {
      if (present < minRows) continue;
      all.push(node);
      collect(node);
    }
    if (raw.items !== null) {
      all.push(raw.items);
      collect(raw.items);
    }
  };
  collect(root);
  all.sort((a, b) => occurrences(b) - occurrences(a) || a.path.length - b.path.length);
  return new Set(all.slice(0, MAX_NODES - 1).map((r) => r.path));
}

function finish(raw: Raw, keep: ReadonlySet<string>, options: JsonFitOptions): JsonNodeModel {
  const k = options.minRows;
  const treatment = options.leaves.get(raw.path);
  const keys = [...raw.keys.entries()]
    .filter(([, { node }]) => keep.has(node.path))
    .map(([key, { present, node }]) => ({ key, present, node: finish(node, keep, options) }));
  const types = [...raw.types];
  const at = (t: Type): number => JSON_TYPES.indexOf(t);
  let strings: JsonLeafStrings | null = null;
  let personal: JsonNodeModel['personal'] = null;
  if (treatment?.kind === 'personal') {
    // Numbers at a personal path are generated as fakes too (as text): nothing of them is learnt.
    types[at('string')] = (types[at('string')] ?? 0) + (types[at('number')] ?? 0);
    types[at('number')] = 0;
    personal = { entity: treatment.entity, scope: treatment.scope };
  } else if (treatment?.kind === 'blank' || (treatment === undefined && options.otherStrings === 'blank')) {
    if (treatment?.kind === 'blank') {
      // NULL in place of every leaf the policy nullifies (numbers and booleans too).
      for (const t of ['string', 'number', 'true', 'false'] as const) {
        types[at('null')] = (types[at('null')] ?? 0) + (types[at(t)] ?? 0);
        types[at(t)] = 0;
      }
    } else {
      types[at('null')] = (types[at('null')] ?? 0) + (types[at('string')] ?? 0);
      types[at('string')] = 0;
    }
  }
  if (personal === null && (types[at('string')] ?? 0) > 0) {
    const sorted = [...raw.strings.entries()]
      .filter(([, n]) => n >= k)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, MAX_CATEGORIES);
    let rare = 0;
    let rareLength = 0;
    const kept = new Set(sorted.map(([s]) => s));
    for (const [s, n] of raw.strings) {
      if (kept.has(s)) continue;
      rare += n;
      rareLength += s.length * n;
    }
    strings = {
      categories: sorted.map(([s]) => s),
      counts: [...sorted.map(([, n]) => n), rare],
      rareLength: rare === 0 ? 8 : Math.max(1, Math.round(rareLength / rare)),
    };
  }
  let numbers: JsonNodeModel['numbers'] = null;
  if ((types[at('number')] ?? 0) > 0) {
    const sorted = [...raw.numbers].sort((a, b) => a - b);
    const knots = quantileKnots(sorted, k);
    const step = Math.max(1, Math.floor((knots.length - 1) / KNOTS));
    const thinned = knots.filter((_, i) => i % step === 0 || i === knots.length - 1);
    numbers = { knots: thinned, integer: raw.integer, decimals: Math.min(8, raw.decimals) };
  }
  const lengths = [...raw.lengths.entries()].filter(([, n]) => n >= k).sort((a, b) => a[0] - b[0]);
  if (lengths.length === 0 && raw.lengths.size > 0) {
    // No length seen k times: the rounded mean length stands for all.
    let arrays = 0;
    let items = 0;
    for (const [length, n] of raw.lengths) {
      arrays += n;
      items += length * n;
    }
    lengths.push([Math.round(items / arrays), arrays]);
  }
  return {
    path: raw.path,
    types,
    keys,
    lengths: lengths.flat(),
    items: raw.items !== null && keep.has(raw.items.path) ? finish(raw.items, keep, options) : null,
    strings,
    numbers,
    personal,
  };
}

/** What drawing a document needs besides the shape. */
export interface JsonDrawContext {
  readonly random: SeededRandom;
  /** A fake of an entity kind for a personal leaf (never a real value); `n` numbers the leaves of a document. */
  readonly fake: (entity: EntityKind, scope: string, path: string, n: number) => string;
  /** A made-up string standing for a rare string leaf. */
  readonly fakeString: (length: number, path: string, n: number) => string;
}

/** Draws one document (JSON text), or null for a NULL cell. */
export function drawJsonDocument(shape: JsonShape, context: JsonDrawContext): string | null {
  if (context.random.next() < shape.nullShare) return null;
  let leaves = 0;
  const draw = (node: JsonNodeModel): unknown => {
    const total = node.types.reduce((a, b) => a + b, 0);
    if (total === 0) return null;
    let target = context.random.next() * total;
    let t = 0;
    while (t < node.types.length - 1 && (target -= node.types[t] as number) >= 0) t++;
    switch (JSON_TYPES[t]) {
      case 'object': {
        const out: Record<string, unknown> = {};
        const objects = node.types[JSON_TYPES.indexOf('object')] as number;
        for (const { key, present, node: child } of node.keys) {
          if (context.random.next() * objects < present) out[key] = draw(child);
        }
        return out;
      }
      case 'array': {
        const length = Math.min(MAX_LENGTH, drawSparse(node.lengths, context.random) ?? 0);
        const out: unknown[] = [];
        if (node.items !== null) for (let i = 0; i < length; i++) out.push(draw(node.items));
        return out;
      }
      case 'string': {
        const n = leaves++;
        if (node.personal !== null)
          return context.fake(node.personal.entity, node.personal.scope, node.path, n);
        const strings = node.strings;
        if (strings === null) return context.fakeString(8, node.path, n);
        const code = drawCounts(strings.counts, context.random);
        return code < strings.categories.length
          ? strings.categories[code]
          : context.fakeString(strings.rareLength, node.path, n);
      }
      case 'number': {
        const numbers = node.numbers;
        if (numbers === null || numbers.knots.length === 0) return 0;
        const value = valueAtQuantile(numbers.knots, context.random.next());
        if (numbers.integer) return Math.round(value);
        const factor = 10 ** Math.max(1, numbers.decimals);
        return Math.round(value * factor) / factor;
      }
      case 'true':
        return true;
      case 'false':
        return false;
      default:
        return null;
    }
  };
  const document = draw(shape.root);
  return shape.jsonb === true ? jsonbText(document) : JSON.stringify(document);
}

/**
 * A document as PostgreSQL prints jsonb: keys sorted shorter first, then bytewise, `": "` and `", "`
 * between items. The exact-match filter compares text, so a drawn document equal to a real one is caught.
 */
export function jsonbText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, child]) => [key, Buffer.from(key, 'utf8'), child] as const,
  );
  entries.sort((a, b) => a[1].length - b[1].length || Buffer.compare(a[1], b[1]));
  return `{${entries.map(([key, , child]) => `${JSON.stringify(key)}: ${jsonbText(child)}`).join(', ')}}`;
}

function drawCounts(counts: readonly number[], random: SeededRandom): number {
  let total = 0;
  for (const n of counts) total += n;
  let target = random.next() * total;
  for (let i = 0; i < counts.length; i++) {
    target -= counts[i] as number;
    if (target < 0) return i;
  }
  return counts.length - 1;
}

/** Every path of a shape (for tests and summaries). */
export function shapePaths(node: JsonNodeModel): string[] {
  return [
    node.path,
    ...node.keys.flatMap((k) => shapePaths(k.node)),
    ...(node.items === null ? [] : shapePaths(node.items)),
  ];
}

/** Personal paths of a shape whose fakes come from word lists (checked against real values): path → scope. */
export function personalPaths(
  shape: JsonShape,
  checked: (entity: EntityKind) => boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: JsonNodeModel): void => {
    if (node.personal !== null && checked(node.personal.entity)) out.set(node.path, node.personal.scope);
    for (const k of node.keys) visit(k.node);
    if (node.items !== null) visit(node.items);
  };
  visit(shape.root);
  return out;
}

/** Calls `leaf` with the path and text of every string leaf of a document's text (none when it is not JSON). */
export function forEachStringLeaf(text: string, leaf: (path: string, value: string) => void): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return;
  }
  const visit = (value: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof value === 'string') leaf(path, value);
    else if (Array.isArray(value)) for (const item of value) visit(item, `${path}[*]`, depth + 1);
    else if (value !== null && typeof value === 'object')
      for (const [key, child] of Object.entries(value as Record<string, unknown>))
        visit(child, `${path}${pathStep(key)}`, depth + 1);
  };
  visit(doc, '$', 0);
}

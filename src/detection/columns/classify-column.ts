import type { ColumnInfo, TableInfo, TypeCategory } from '../../core/index.js';
import type { Evidence } from '../detection-types.js';
import type {
  ClassifyColumnInput,
  ClassifyOptions,
  ColumnClassification,
  ColumnSample,
  JsonPathClassification,
} from './column-classification.js';
import { defaultColumnNameRules } from './column-name-rules.js';
import type { ColumnNameRules } from './column-name-rules.js';
import { decideCategory } from './decide-category.js';
import type { DecideOptions } from './decide-category.js';
import { tokenizeName } from './tokenize-name.js';

export interface ClassifyColumnOptions extends ClassifyOptions {
  /** Defaults to the bundled `rules/column-names.yaml`. */
  readonly rules?: ColumnNameRules;
  /** Whether a single word is a given name rather than a family name (injected lexicon). */
  readonly isFirstName?: (word: string) => boolean;
  /** The year birth dates are measured from; defaults to the current year. */
  readonly referenceYear?: number;
}

/** At most this many JSON leaf paths are classified per column; deeper or wider documents are cut. */
const MAX_JSON_PATHS = 500;
const MAX_JSON_DEPTH = 12;

/**
 * Classifies one column from its name, table, neighbours, comment, declared type and a sample of its
 * values. Evidence names rules, tokens of names and counts — never a sampled value.
 */
export function classifyColumn(
  input: ClassifyColumnInput,
  options: ClassifyColumnOptions,
): ColumnClassification {
  const rules = options.rules ?? defaultColumnNameRules();
  const decideOptions = toDecideOptions(rules, options);
  if (input.column.category === 'json') return classifyJsonColumnWhole(input, options);
  const abbreviations = rules.abbreviations;
  const values = input.sample === null ? null : arrayAware(input.column, input.sample.values);
  const decision = decideCategory(
    {
      names: {
        column: tokenizeName(input.column.name, abbreviations),
        table: [tokenizeName(input.table.name, abbreviations)],
        neighbours: input.neighbours
          .filter((n) => n !== input.column.name)
          .map((n) => tokenizeName(n, abbreviations)),
        comment: tokenizeName(commentOf(input.column) ?? '', abbreviations),
        detector: 'column_name',
      },
      typeCategory:
        input.column.category === 'array' ? (input.column.elementCategory ?? 'other') : input.column.category,
      baseType: input.column.baseType,
      enumLabels: input.column.enumLabels,
      values,
      nulls: input.sample?.nullCount ?? 0,
      distinct: input.sample?.distinctCount,
      unique: input.unique,
      primaryKey: input.primaryKey ?? false,
      foreignKey: input.foreignKey ?? false,
    },
    decideOptions,
  );
  return decision;
}

function toDecideOptions(rules: ColumnNameRules, options: ClassifyColumnOptions): DecideOptions {
  return {
    rules,
    matchValue: options.matchValue,
    isLikelyName: options.isLikelyName,
    isFirstName: options.isFirstName,
    referenceYear: options.referenceYear,
  };
}

/** The lead adds `comment` to ColumnInfo; read it when present. */
function commentOf(column: ColumnInfo): string | null {
  const comment = (column as ColumnInfo & { readonly comment?: unknown }).comment;
  return typeof comment === 'string' ? comment : null;
}

/** Array columns are classified on their elements (`{a,"b c"}` → `a`, `b c`). */
function arrayAware(column: ColumnInfo, values: readonly string[]): readonly string[] {
  if (column.category !== 'array') return values;
  return values.flatMap(parseArrayLiteral);
}

function parseArrayLiteral(text: string): string[] {
  const inner = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^,{}]+)/g;
  for (const m of inner.matchAll(re)) {
    const quoted = m[1];
    const bare = m[2]?.trim();
    if (quoted !== undefined) out.push(quoted.replace(/\\(.)/g, '$1'));
    else if (bare !== undefined && bare !== '' && bare !== 'NULL') out.push(bare);
  }
  return out;
}

function classifyJsonColumnWhole(
  input: ClassifyColumnInput,
  options: ClassifyColumnOptions,
): ColumnClassification {
  const jsonPaths = classifyJsonColumn(input, options);
  const personal = jsonPaths.filter((p) => p.category !== null).sort((a, b) => b.confidence - a.confidence);
  const prose = jsonPaths.filter((p) => p.prose);
  const weakest = jsonPaths.reduce((min, p) => Math.min(min, p.confidence), 1);
  const summary: Evidence = {
    detector: 'json',
    detail: `${jsonPaths.length} JSON paths: ${personal.length} personal, ${prose.length} free text`,
    matched: personal.length,
    sampled: jsonPaths.length,
    weight: 0,
  };
  // The column carries its most confident personal path's kind, so a consumer that reads only columns
  // still treats it as personal; the per-path decisions are in `jsonPaths`.
  const top = personal[0];
  if (jsonPaths.length === 0) {
    return {
      category: null,
      confidence: (input.sample?.values.length ?? 0) === 0 ? 0.3 : 0.6,
      evidence: [summary],
      prose: false,
      jsonPaths,
    };
  }
  return {
    category: top?.category ?? null,
    confidence: Math.round(Math.min(top?.confidence ?? 1, weakest) * 100) / 100,
    evidence: [summary],
    prose: top === undefined && prose.length > 0,
    jsonPaths,
  };
}

interface PathStats {
  readonly keys: readonly string[];
  readonly values: string[];
  nulls: number;
  readonly kinds: Set<'string' | 'number' | 'integer' | 'boolean'>;
  /** Keys of the object the leaf sits in (siblings are the JSON analogue of neighbouring columns). */
  readonly siblings: Set<string>;
}

/**
 * Classifies every leaf path of a json/jsonb column from sampled documents (text form). Keys along the
 * path are the name; parent keys, then the column and table names, are the context.
 */
export function classifyJsonColumn(
  input: ClassifyColumnInput,
  options: ClassifyColumnOptions,
): JsonPathClassification[] {
  const rules = options.rules ?? defaultColumnNameRules();
  const abbreviations = rules.abbreviations;
  const paths = new Map<string, PathStats>();
  for (const text of input.sample?.values ?? []) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      continue;
    }
    walk(doc, '$', [], paths, 0, new Set());
  }
  const decideOptions = toDecideOptions(rules, options);
  const columnTokens = tokenizeName(input.column.name, abbreviations);
  const tableTokens = tokenizeName(input.table.name, abbreviations);
  const out: JsonPathClassification[] = [];
  for (const [path, stats] of paths) {
    const leafKey = stats.keys[stats.keys.length - 1] ?? input.column.name;
    const parents = stats.keys.slice(0, -1).reverse();
    const category: TypeCategory =
      stats.kinds.size === 1 && stats.kinds.has('boolean')
        ? 'boolean'
        : [...stats.kinds].every((k) => k === 'integer')
          ? 'integer'
          : [...stats.kinds].every((k) => k === 'integer' || k === 'number')
            ? 'decimal'
            : 'string';
    const decision = decideCategory(
      {
        names: {
          column: tokenizeName(leafKey, abbreviations),
          table: [...parents.map((k) => tokenizeName(k, abbreviations)), columnTokens, tableTokens],
          neighbours: [...stats.siblings]
            .filter((s) => s !== leafKey)
            .map((s) => tokenizeName(s, abbreviations)),
          comment: [],
          detector: 'json_key',
        },
        typeCategory: stats.values.length === 0 ? 'string' : category,
        baseType: 'jsonb',
        enumLabels: null,
        values: stats.values,
        nulls: stats.nulls,
        unique: false,
        primaryKey: false,
        foreignKey: false,
      },
      decideOptions,
    );
    out.push({ path, ...decision });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function walk(
  node: unknown,
  path: string,
  keys: readonly string[],
  paths: Map<string, PathStats>,
  depth: number,
  siblings: ReadonlySet<string>,
): void {
  if (depth > MAX_JSON_DEPTH) return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, `${path}[*]`, keys, paths, depth + 1, siblings);
    return;
  }
  if (node !== null && typeof node === 'object') {
    const entries = Object.entries(node as Record<string, unknown>);
    const names = new Set(entries.map(([k]) => k));
    for (const [key, value] of entries)
      walk(value, `${path}${formatKey(key)}`, [...keys, key], paths, depth + 1, names);
    return;
  }
  let stats = paths.get(path);
  if (stats === undefined) {
    if (paths.size >= MAX_JSON_PATHS) return;
    stats = { keys, values: [], nulls: 0, kinds: new Set(), siblings: new Set() };
    paths.set(path, stats);
  }
  for (const s of siblings) stats.siblings.add(s);
  if (node === null || node === undefined) {
    stats.nulls++;
    return;
  }
  if (typeof node === 'boolean') {
    stats.kinds.add('boolean');
    stats.values.push(String(node));
  } else if (typeof node === 'number') {
    stats.kinds.add(Number.isInteger(node) ? 'integer' : 'number');
    stats.values.push(String(node));
  } else if (typeof node === 'string') {
    stats.kinds.add('string');
    stats.values.push(node);
  }
}

function formatKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** One table's columns with their samples, for `classifyColumns`. */
export interface TableSamples {
  readonly table: TableInfo;
  /** Sample per column name; a missing entry means "not sampled". */
  readonly samples: ReadonlyMap<string, ColumnSample>;
  /** Classify only these columns (the others are still their neighbours). Default: every column. */
  readonly only?: ReadonlySet<string>;
}

export interface ClassifiedColumn {
  readonly table: TableInfo['ref'];
  readonly column: string;
  readonly classification: ColumnClassification;
}

/** Classifies every column (or every `only` column) of every table given; pure, in schema order. */
export function classifyColumns(
  tables: readonly TableSamples[],
  options: ClassifyColumnOptions,
): ClassifiedColumn[] {
  const rules = options.rules ?? defaultColumnNameRules();
  const withRules = { ...options, rules };
  const out: ClassifiedColumn[] = [];
  for (const { table, samples, only } of tables) {
    const names = table.columns.map((c) => c.name);
    const primaryKey = new Set(
      table.constraints.filter((c) => c.kind === 'primary_key').flatMap((c) => c.columns),
    );
    const foreignKey = new Set(
      table.constraints.filter((c) => c.kind === 'foreign_key').flatMap((c) => c.columns),
    );
    for (const column of table.columns) {
      if (only !== undefined && !only.has(column.name)) continue;
      const classification = classifyColumn(
        {
          table: table.ref,
          column,
          neighbours: names.filter((n) => n !== column.name),
          sample: samples.get(column.name) ?? null,
          unique: table.uniqueColumnSets.some((set) => set.length === 1 && set[0] === column.name),
          primaryKey: primaryKey.has(column.name),
          foreignKey: foreignKey.has(column.name),
        },
        withRules,
      );
      out.push({ table: table.ref, column: column.name, classification });
    }
  }
  return out;
}

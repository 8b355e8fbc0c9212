import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';

import { z } from 'zod';
import { GatewayError, sourceLocation, sourceOffset } from '../../core/index.js';
import { tokenizeName } from './tokenize-name.js';

const Confidence = z.number().min(0).max(1);
const EntityName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an entity id in UPPER_SNAKE_CASE');
const Phrase = z.string().min(1);

const NameHintSchema = z.strictObject({
  entity: EntityName,
  confidence: Confidence,
  phrases: z.array(Phrase).min(1),
  whole: z.boolean().optional(),
  context: z.array(z.string().min(1)).min(1).optional(),
  unless: z.array(z.string().min(1)).min(1).optional(),
  otherwise: Confidence.optional(),
});

const ColumnNameRulesSchema = z.strictObject({
  version: z.literal(1),
  abbreviations: z.record(z.string().regex(/^[\p{Ll}\p{N}]+$/u, 'a lower-case token'), Phrase),
  contexts: z.record(
    z.string().min(1),
    z.strictObject({ tables: z.array(Phrase), neighbours: z.array(Phrase) }),
  ),
  names: z.array(NameHintSchema).min(1),
  negatives: z.array(
    z.strictObject({ tokens: z.array(Phrase).min(1), excludes: z.array(EntityName).min(1) }),
  ),
  not_personal: z.array(
    z.strictObject({ confidence: Confidence, last: z.boolean().optional(), phrases: z.array(Phrase).min(1) }),
  ),
  free_text: z.strictObject({ phrases: z.array(Phrase).min(1) }),
  checkable_by_values: z.array(EntityName),
});

type RawRules = z.infer<typeof ColumnNameRulesSchema>;

/** A name hint with its phrases already tokenised. */
export interface NameHint {
  readonly entity: string;
  readonly confidence: number;
  /** Each phrase as its token sequence, e.g. `['first', 'name']`. */
  readonly phrases: readonly (readonly string[])[];
  readonly whole: boolean;
  readonly context: readonly string[] | null;
  readonly unless: readonly string[];
  /** Confidence when `context` is not met; null: the hint does not fire. */
  readonly otherwise: number | null;
  /** Index in the file's `names` list: evidence names the rule as `names[3]`. */
  readonly index: number;
}

export interface ContextClass {
  readonly name: string;
  readonly tableTokens: ReadonlySet<string>;
  readonly neighbourPhrases: readonly (readonly string[])[];
}

/** The compiled column-name rules: what classification reads. */
export interface ColumnNameRules {
  readonly abbreviations: ReadonlyMap<string, readonly string[]>;
  readonly contexts: readonly ContextClass[];
  readonly hints: readonly NameHint[];
  readonly negatives: readonly {
    readonly tokens: ReadonlySet<string>;
    readonly excludes: ReadonlySet<string>;
  }[];
  readonly notPersonal: readonly {
    readonly confidence: number;
    readonly last: boolean;
    readonly phrases: readonly (readonly string[])[];
  }[];
  readonly freeText: readonly (readonly string[])[];
  readonly checkable: ReadonlySet<string>;
  /** Every token that names a context class: dropped from a name before a `whole` hint is checked. */
  readonly qualifierTokens: ReadonlySet<string>;
}

/** Words that qualify a name without changing what it holds (`primary_email`, `home_phone`). */
const AFFIX_TOKENS = [
  'the',
  'my',
  'primary',
  'secondary',
  'main',
  'other',
  'alt',
  'alternate',
  'default',
  'current',
  'new',
  'old',
  'preferred',
  'personal',
  'private',
  'work',
  'business',
  'official',
  'legal',
  'contact',
  'of',
  'de',
  'del',
  'du',
  'di',
  'do',
  'da',
  'der',
  'des',
  'le',
  'la',
  'el',
];

/**
 * Parses and validates `rules/column-names.yaml`. Throws `config_invalid` naming `fileLabel`, line:column
 * and the path inside the document — never the YAML library's own message, which can quote the source.
 */
export function parseColumnNameRules(text: string, fileLabel: string): ColumnNameRules {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    const lines = syntax.map(
      (e) => `${sourceLocation(fileLabel, lineCounter, e.pos[0])}: YAML syntax (${e.code})`,
    );
    throw invalid(fileLabel, lines);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    throw invalid(fileLabel, [`${fileLabel}: YAML syntax: an alias cannot be resolved`]);
  }
  const result = ColumnNameRulesSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const where = sourceLocation(fileLabel, lineCounter, sourceOffset(doc, path, key));
      return `${where}: ${formatPath(path)}: ${describeIssue(issue)}`;
    });
    throw invalid(fileLabel, lines);
  }
  const problems = checkReferences(result.data);
  if (problems.length > 0) {
    throw invalid(
      fileLabel,
      problems.map(
        (p) => `${sourceLocation(fileLabel, lineCounter, sourceOffset(doc, p.path, undefined))}: ${p.text}`,
      ),
    );
  }
  return compile(result.data);
}

/** Where the bundled rules live: `rules/` at the package root, found upwards from this module (src or dist). */
export function defaultColumnNameRulesPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'rules', 'column-names.yaml');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '../../../rules/column-names.yaml');
}

/** Reads and parses a rules file. */
export function loadColumnNameRules(path: string = defaultColumnNameRulesPath()): ColumnNameRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new GatewayError('config_invalid', `column-name rules cannot be read: ${path}`, { file: path });
  }
  return parseColumnNameRules(text, path);
}

let bundled: ColumnNameRules | undefined;

/** The bundled rules, parsed once. */
export function defaultColumnNameRules(): ColumnNameRules {
  bundled ??= loadColumnNameRules();
  return bundled;
}

function compile(raw: RawRules): ColumnNameRules {
  const abbreviations = new Map<string, readonly string[]>();
  for (const [token, expansion] of Object.entries(raw.abbreviations)) {
    abbreviations.set(token, tokenizeName(expansion));
  }
  const phrase = (text: string): readonly string[] => tokenizeName(text, abbreviations);
  const contexts: ContextClass[] = Object.entries(raw.contexts).map(([name, c]) => ({
    name,
    tableTokens: new Set(c.tables.flatMap(phrase)),
    neighbourPhrases: c.neighbours.map(phrase),
  }));
  const qualifierTokens = new Set<string>(AFFIX_TOKENS);
  for (const c of contexts) for (const t of c.tableTokens) qualifierTokens.add(t);
  return {
    abbreviations,
    contexts,
    hints: raw.names.map((h, index) => ({
      entity: h.entity,
      confidence: h.confidence,
      phrases: h.phrases.map(phrase).filter((p) => p.length > 0),
      whole: h.whole ?? false,
      context: h.context ?? null,
      unless: h.unless ?? [],
      otherwise: h.otherwise ?? null,
      index,
    })),
    negatives: raw.negatives.map((n) => ({
      tokens: new Set(n.tokens.flatMap(phrase)),
      excludes: new Set(n.excludes),
    })),
    notPersonal: raw.not_personal.map((n) => ({
      confidence: n.confidence,
      last: n.last ?? false,
      phrases: n.phrases.map(phrase).filter((p) => p.length > 0),
    })),
    freeText: raw.free_text.phrases.map(phrase),
    checkable: new Set(raw.checkable_by_values),
    qualifierTokens,
  };
}

/** Context classes named by hints must exist. */
function checkReferences(raw: RawRules): { path: (string | number)[]; text: string }[] {
  const known = new Set(Object.keys(raw.contexts));
  const problems: { path: (string | number)[]; text: string }[] = [];
  raw.names.forEach((hint, i) => {
    for (const key of ['context', 'unless'] as const) {
      (hint[key] ?? []).forEach((name, j) => {
        if (!known.has(name)) {
          problems.push({
            path: ['names', i, key, j],
            text: `names[${i}].${key}[${j}]: unknown context class`,
          });
        }
      });
    }
  });
  return problems;
}

function invalid(file: string, lines: readonly string[]): GatewayError {
  const listed = lines.slice(0, 20);
  const more = lines.length > listed.length ? `\n  … and ${lines.length - listed.length} more` : '';
  return new GatewayError(
    'config_invalid',
    `invalid column-name rules, ${lines.length} problem(s):\n  ${listed.join('\n  ')}${more}`,
    { file, items: listed },
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key ${JSON.stringify(issue.keys[0] ?? '')}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.message;
    default:
      return 'invalid';
  }
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}

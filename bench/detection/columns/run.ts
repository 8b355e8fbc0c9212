/**
 * Column-classification benchmark (not a test): `node --import tsx bench/detection/columns/run.ts`
 *   [--product | --matcher <module exporting matchValue(value)>] [--rounds 16] [--rows 200]
 * `--product` classifies with the product's own detection (catalogue matcher, name lexicon, column rules).
 * Scores pagila (samples read from the fixture's COPY data), the demo schema (names only until the lead
 * wires sampling), and synthetic columns with plain and with meaningless names. Prints column-level
 * recall / precision / F1 for "is personal" and per-kind accuracy; misses are listed by name, never value.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ColumnInfo } from '../../../src/core/index.js';
import { classifyColumn, UNDECIDED_BELOW } from '../../../src/detection/columns/index.js';
import type {
  ClassifyColumnInput,
  ColumnClassification,
  ColumnSample,
  ValueMatcher,
} from '../../../src/detection/columns/index.js';
import { createDetection } from '../../../src/detection/index.js';
import type { LabelledColumn } from './labels.js';
import { DEMO, DEMO_PROFILE_PATHS, PAGILA } from './labels.js';
import { PGlite } from '@electric-sql/pglite';
import { demoDataSql, demoSchemaSql } from '../../../src/demo/index.js';
import { localIsFirstName, localIsLikelyName, localMatchValue } from './local-matcher.js';
import { syntheticColumns } from './synthetic-columns.js';

const { values: args } = parseArgs({
  options: {
    matcher: { type: 'string' },
    product: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '16' },
    rows: { type: 'string', default: '200' },
  },
});

interface Scored {
  readonly name: string;
  readonly expected: string | null;
  readonly result: ColumnClassification;
}

async function loadMatcher(): Promise<{ matchValue: ValueMatcher; label: string }> {
  if (args.matcher === undefined) return { matchValue: localMatchValue, label: 'local bench matcher' };
  const mod = (await import(pathToFileURL(args.matcher).href)) as {
    matchValue?: ValueMatcher;
    columnMatcher?: ValueMatcher;
  };
  const fn = mod.columnMatcher ?? mod.matchValue;
  if (fn === undefined) throw new Error(`${args.matcher} exports neither columnMatcher nor matchValue`);
  return { matchValue: (v) => fn(v), label: args.matcher };
}

function info(l: LabelledColumn): ColumnInfo {
  return {
    name: l.column,
    dataType: l.baseType ?? l.type,
    baseType: l.baseType ?? l.type,
    category: l.type,
    elementCategory: l.type === 'array' ? 'string' : null,
    maxLength: null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: l.enumLabels ?? null,
  };
}

/** First `limit` rows of each COPY block of pagila's data file, per table and column. */
function pagilaSamples(limit: number): Map<string, ColumnSample> {
  const text = readFileSync(
    new URL('../../../test/fixtures/pagila/pagila-data.sql', import.meta.url),
    'utf8',
  );
  const out = new Map<string, ColumnSample>();
  const re = /^COPY public\.(\w+) \(([^)]*)\) FROM stdin;\n([\s\S]*?)^\\\.$/gm;
  for (const m of text.matchAll(re)) {
    const table = m[1] ?? '';
    const columns = (m[2] ?? '').split(', ');
    const rows = (m[3] ?? '')
      .split('\n')
      .filter((r) => r !== '')
      .slice(0, limit);
    columns.forEach((column, i) => {
      const cells = rows.map((r) => r.split('\t')[i] ?? '\\N');
      const values = cells.filter((v) => v !== '\\N').map((v) => v.replace(/\\(.)/g, '$1'));
      out.set(`${table}.${column}`, { values, nullCount: cells.length - values.length });
    });
  }
  return out;
}

/** Samples of the demo shop (src/demo), generated into an embedded PostgreSQL: the first `limit` rows. */
async function demoSamples(limit: number): Promise<Map<string, ColumnSample>> {
  const db = await PGlite.create();
  try {
    await db.exec(demoSchemaSql());
    for (const statement of demoDataSql({ customers: 300 })) await db.exec(statement);
    const out = new Map<string, ColumnSample>();
    for (const l of [...DEMO, { table: 'customers', column: 'profile' }]) {
      const result = await db.query<{ v: string | null }>(
        `SELECT "${l.column}"::text AS v FROM public."${l.table}" ORDER BY 1 LIMIT ${limit}`,
      );
      const values = result.rows.map((r) => r.v).filter((v): v is string => v !== null);
      out.set(`${l.table}.${l.column}`, { values, nullCount: result.rows.length - values.length });
    }
    return out;
  } finally {
    await db.close();
  }
}

function predicted(r: ColumnClassification): string | null {
  return r.category ?? (r.prose ? 'PROSE' : null);
}

function report(title: string, scored: readonly Scored[]): void {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let undecided = 0;
  let undecidedPositive = 0;
  let kindRight = 0;
  let positives = 0;
  const misses: string[] = [];
  for (const s of scored) {
    const p = predicted(s.result);
    const isUndecided = p === null && s.result.confidence < UNDECIDED_BELOW;
    if (isUndecided) undecided++;
    if (s.expected !== null) {
      positives++;
      if (p !== null) tp++;
      else {
        fn++;
        if (isUndecided) undecidedPositive++;
      }
      if (p === s.expected) kindRight++;
    } else if (p !== null) fp++;
    if (p !== s.expected) {
      misses.push(
        `${s.name}: expected ${s.expected ?? 'null'}, got ${p ?? 'null'} @${s.result.confidence}${isUndecided ? ' (undecided)' : ''}`,
      );
    }
  }
  const recall = positives === 0 ? 1 : tp / positives;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const f1 = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  const failClosedRecall = positives === 0 ? 1 : (tp + undecidedPositive) / positives;
  const f = (n: number): string => n.toFixed(3);
  process.stdout.write(
    `\n## ${title}\ncolumns ${scored.length}, personal ${positives}; recall ${f(recall)} (fail-closed ${f(failClosedRecall)}), ` +
      `precision ${f(precision)}, F1 ${f(f1)}; per-kind accuracy ${f(positives === 0 ? 1 : kindRight / positives)}; ` +
      `undecided ${undecided}; TP ${tp} FP ${fp} FN ${fn}\n`,
  );
  const shown = misses.slice(0, 40);
  for (const m of shown) process.stdout.write(`  - ${m}\n`);
  if (misses.length > shown.length) process.stdout.write(`  … ${misses.length - shown.length} more\n`);
}

async function main(): Promise<void> {
  let classify: (input: ClassifyColumnInput) => ColumnClassification;
  if (args.product === true) {
    const detection = await createDetection({ packageRoot: new URL('../../../', import.meta.url).pathname });
    classify = (input) => detection.classifyColumn(input);
    process.stdout.write('# Column classification benchmark\ndetection: the product (createDetection)\n');
  } else {
    const { matchValue, label } = await loadMatcher();
    const options = {
      matchValue,
      isLikelyName: localIsLikelyName,
      isFirstName: localIsFirstName,
      referenceYear: 2026,
    };
    classify = (input) => classifyColumn(input, options);
    process.stdout.write(
      `# Column classification benchmark\nmatcher: ${label}; name lexicon: faker locale lists (bench only)\n`,
    );
  }

  const samples = pagilaSamples(200);
  const byTable = (list: readonly LabelledColumn[], t: string): string[] =>
    list.filter((l) => l.table === t).map((l) => l.column);
  const run = (
    list: readonly LabelledColumn[],
    sampleOf: (l: LabelledColumn) => ColumnSample | null,
  ): Scored[] =>
    list.map((l) => ({
      name: `${l.table}.${l.column}`,
      expected: l.expected,
      result: classify({
        table: { schema: 'public', name: l.table },
        column: info(l),
        neighbours: byTable(list, l.table).filter((n) => n !== l.column),
        sample: sampleOf(l),
        unique: l.pk === true,
        primaryKey: l.pk ?? false,
        foreignKey: l.fk ?? false,
      }),
    }));

  report(
    'pagila (samples: first 200 rows of the fixture data)',
    run(PAGILA, (l) => samples.get(`${l.table}.${l.column}`) ?? { values: [], nullCount: 0 }),
  );
  report(
    'pagila (names only, no samples)',
    run(PAGILA, () => null),
  );
  report(
    'demo (names only, no samples)',
    run(DEMO, () => null),
  );
  const demo = await demoSamples(200);
  const demoScored = run(DEMO, (l) => demo.get(`${l.table}.${l.column}`) ?? null);
  report('demo (samples: 200 rows of the generated shop)', demoScored);
  const profile =
    classify({
      table: { schema: 'public', name: 'customers' },
      column: {
        ...info(DEMO[0] as LabelledColumn),
        name: 'profile',
        dataType: 'jsonb',
        baseType: 'jsonb',
        category: 'json',
      },
      neighbours: byTable(DEMO, 'customers'),
      sample: demo.get('customers.profile') ?? null,
      unique: false,
    }).jsonPaths ?? [];
  const pathMisses = [...DEMO_PROFILE_PATHS].filter(
    ([path, expected]) => (profile.find((p) => p.path === path)?.category ?? null) !== expected,
  );
  process.stdout.write(
    `demo customers.profile JSON paths: ${DEMO_PROFILE_PATHS.size - pathMisses.length} of ${DEMO_PROFILE_PATHS.size} as labelled` +
      (pathMisses.length === 0 ? '\n' : `; misses: ${pathMisses.map(([p]) => p).join(', ')}\n`),
  );

  const rounds = Number(args.rounds);
  const rows = Number(args.rows);
  for (const variant of ['plain', 'opaque'] as const) {
    const cols = syntheticColumns(rounds, rows, variant);
    const started = performance.now();
    const scored = cols.map((col) => {
      const values = col.values.filter((v): v is string => v !== null);
      return {
        name: `${col.table}.${col.column}[${col.expected ?? 'null'}]`,
        expected: col.expected,
        result: classify({
          table: { schema: 'public', name: col.table },
          column: col.info,
          neighbours: col.neighbours,
          sample: { values, nullCount: col.values.length - values.length },
          unique: false,
        }),
      };
    });
    const ms = performance.now() - started;
    report(
      `synthetic, ${variant} names (${rounds} locales-rounds × ${rows} rows; ${(ms / cols.length).toFixed(2)} ms/column)`,
      scored,
    );
  }
}

await main();

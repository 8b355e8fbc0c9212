/**
 * Synthesis benchmark (not a test): an Adult-like census table with real dependencies (15 columns:
 * numerics, categoricals, NULLs, a date pair with an order constraint), generated with a fixed seed, split
 * 80 % training / 20 % holdout. Fits in memory (the engine, no database), samples as many rows as the
 * training set, and scores the result with the report's metrics. Prints one JSON line per size.
 *
 *   node --import tsx bench/synthesis/run.ts [rows…]      (default: 10000 100000)
 *   node --import tsx bench/synthesis/run.ts pagila        (pagila in PostgreSQL: bench/synthesis/pagila.ts)
 */
import {
  Secret,
  type ColumnInfo,
  type DatabaseSchema,
  type Row,
  type TableInfo,
} from '../../src/core/index.js';
import { createKeyedSeeder } from '../../src/fake-values/index.js';
import {
  buildQualityReport,
  comparedColumns,
  fitSynthesisModel,
  numericKindOf,
  parseNumeric,
  seededRandom,
  SynthesisSampler,
  tupleKey,
  type ReportColumn,
  type TableSample,
} from '../../src/synthesis/index.js';

const column = (name: string, category: ColumnInfo['category'], baseType: string): ColumnInfo => ({
  name,
  dataType: baseType,
  baseType,
  category,
  elementCategory: null,
  maxLength: null,
  isNullable: true,
  isGenerated: false,
  identity: null,
  hasDefault: false,
  enumLabels: null,
});

const COLUMNS: ColumnInfo[] = [
  column('age', 'integer', 'int4'),
  column('workclass', 'string', 'text'),
  column('education', 'string', 'text'),
  column('education_num', 'integer', 'int4'),
  column('marital_status', 'string', 'text'),
  column('occupation', 'string', 'text'),
  column('relationship', 'string', 'text'),
  column('sex', 'string', 'text'),
  column('capital_gain', 'integer', 'int4'),
  column('hours_per_week', 'integer', 'int4'),
  column('native_region', 'string', 'text'),
  column('income', 'string', 'text'),
  column('balance', 'decimal', 'numeric'),
  column('joined_on', 'date', 'date'),
  column('left_on', 'date', 'date'),
];
const TABLE: TableInfo = {
  ref: { schema: 'public', name: 'adult' },
  kind: 'table',
  parent: null,
  columns: COLUMNS,
  constraints: [],
  uniqueColumnSets: [],
  estimatedRows: 0,
};

const EDUCATION = ['Preschool', 'HS-grad', 'Some-college', 'Assoc', 'Bachelors', 'Masters', 'Doctorate'];
const OCCUPATIONS = ['Craft', 'Sales', 'Admin', 'Tech', 'Exec', 'Prof', 'Service', 'Transport', 'Farming'];
const REGIONS = ['North', 'South', 'East', 'West', 'Islands', 'Abroad'];

function pick<T>(items: readonly T[], weights: readonly number[], u: number): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let t = u * total;
  for (let i = 0; i < items.length; i++) {
    t -= weights[i] as number;
    if (t < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

function day(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** One person: education drives occupation, hours and income; age drives marital status; etc. */
function person(r: ReturnType<typeof seededRandom>): Row {
  const age = 17 + Math.floor(Math.abs(r.next() + r.next() + r.next() - 1.5) * 40);
  const eduIndex = Math.min(6, Math.floor(((r.next() + r.next()) / 2) * 7 + (age > 30 ? 0.5 : 0)));
  const education = EDUCATION[eduIndex] as string;
  const workclass = pick(
    ['Private', 'Self-emp', 'Gov', 'Never-worked'],
    [70, 12, 15, age < 20 ? 10 : 1],
    r.next(),
  );
  const occupation =
    workclass === 'Never-worked'
      ? null
      : (OCCUPATIONS[Math.min(8, Math.max(0, Math.floor(eduIndex * 1.2 + (r.next() - 0.5) * 4)))] as string);
  const married = age > 25 && r.next() < 0.6;
  const sex = r.next() < 0.52 ? 'Male' : 'Female';
  const relationship = married
    ? sex === 'Male'
      ? 'Husband'
      : 'Wife'
    : age < 25
      ? 'Own-child'
      : 'Not-in-family';
  const hours = Math.round(Math.max(5, Math.min(90, 38 + eduIndex * 1.5 + (r.next() - 0.5) * 25)));
  const score = eduIndex * 0.8 + (married ? 1.5 : 0) + hours / 20 + (age > 35 ? 1 : 0) + (r.next() - 0.5) * 3;
  const income = score > 6 ? '>50K' : '<=50K';
  const gain = income === '>50K' && r.next() < 0.3 ? Math.round(2000 + r.next() * 20000) : 0;
  const joined = 15000 + Math.floor(r.next() * 4000);
  const left = r.next() < 0.6 ? null : joined + 30 + Math.floor(r.next() * 900);
  return [
    String(age),
    workclass,
    education,
    String(eduIndex + 3),
    married
      ? 'Married'
      : age < 25
        ? 'Never-married'
        : pick(['Divorced', 'Never-married', 'Widowed'], [4, 5, 1], r.next()),
    occupation,
    relationship,
    sex,
    String(gain),
    String(hours),
    pick(REGIONS, [30, 25, 20, 15, 2, 8], r.next()),
    income,
    (score * 1000 + r.next() * 500).toFixed(2),
    day(joined),
    left === null ? null : day(left),
  ];
}

function toSample(rows: readonly Row[]): TableSample {
  return {
    table: TABLE.ref,
    rows: rows.length,
    columns: COLUMNS.map((c) => c.name),
    values: COLUMNS.map((_, j) => rows.map((r) => r[j] ?? null)),
  };
}

function reportColumns(
  train: readonly Row[],
  synthetic: readonly Row[],
  holdout: readonly Row[],
): ReportColumn[] {
  return COLUMNS.map((c, j) => {
    const kind = numericKindOf(c);
    const pick = (rows: readonly Row[]): (string | null)[] => rows.map((r) => r[j] ?? null);
    if (kind === null) {
      return {
        name: c.name,
        type: 'categorical',
        real: pick(train),
        synthetic: pick(synthetic),
        holdout: pick(holdout),
      };
    }
    const num = (rows: readonly Row[]): (number | null)[] =>
      pick(rows).map((v) => (v === null ? null : parseNumeric(kind, v)));
    return {
      name: c.name,
      type: 'numeric',
      real: num(train),
      synthetic: num(synthetic),
      holdout: num(holdout),
    };
  });
}

const SCORED_ROWS = 100_000;
const FIT_ROWS = 100_000;

function run(rows: number): Record<string, unknown> {
  const random = seededRandom(`bench adult ${rows}`);
  const all: Row[] = Array.from({ length: rows }, () => person(random));
  const cut = Math.round(rows * 0.8);
  const train = all.slice(0, cut);
  const holdout = all.slice(cut);
  const schema: DatabaseSchema = { tables: [TABLE], sequences: [] };
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const watch = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const fitStart = performance.now();
  const model = fitSynthesisModel({
    schema,
    // As `synth --sample-rows` (default 100,000): the fit reads a bounded sample (rows are in random order).
    samples: new Map([['public.adult', { ...toSample(train.slice(0, FIT_ROWS)), rows: train.length }]]),
    treatment: () => ({ kind: 'model' }),
    rareCategoryMin: 5,
    seed: '1',
    schemaFingerprint: 'bench',
    ddl: null,
  });
  const fitSeconds = (performance.now() - fitStart) / 1000;
  const table = model.tables[0];
  if (table === undefined) throw new Error('no table');
  const compared = comparedColumns(table);
  const realTuples = new Set(
    train.map((r) => tupleKey(compared.map((c) => r[COLUMNS.findIndex((x) => x.name === c)] ?? null))),
  );
  const sampleStart = performance.now();
  const sampler = new SynthesisSampler(model, {
    scale: 1,
    seed: '1',
    seeder: createKeyedSeeder(new Secret(Buffer.alloc(32, 1))),
    batchRows: 2000,
    realTuples: () => realTuples,
  });
  const synthetic = [...sampler.generate(table)].flat();
  const sampleSeconds = (performance.now() - sampleStart) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(watch);
  process.stderr.write(
    `${rows} rows: fit ${fitSeconds.toFixed(1)} s, sample ${sampleSeconds.toFixed(1)} s, peak ${Math.round(peak / 1048576)} MiB\n`,
  );
  // Scoring is quadratic in places (DCR) and not what is measured: above 100k rows it reads a seeded
  // 100k-row share of each side (as `synth report --sample-rows` does).
  const cap = (list: readonly Row[], label: string): Row[] => {
    if (list.length <= SCORED_ROWS) return [...list];
    const pick = seededRandom(`bench score ${label}`);
    return Array.from({ length: SCORED_ROWS }, () => list[pick.below(list.length)] as Row);
  };
  const scoredTrain = cap(train, 'train');
  const scoredSynthetic = cap(synthetic, 'synthetic');
  const scoredHoldout = cap(holdout, 'holdout');
  const report = buildQualityReport(
    [{ table: 'adult', columns: reportColumns(scoredTrain, scoredSynthetic, scoredHoldout) }],
    [],
  );
  // The ceiling: held-out real rows scored against the training rows.
  const ceiling = buildQualityReport(
    [{ table: 'adult', columns: reportColumns(scoredTrain, scoredHoldout, scoredHoldout) }],
    [],
  );
  const outcome = sampler.outcome('public.adult');
  return {
    rows,
    columns: COLUMNS.length,
    trainingRows: train.length,
    syntheticRows: synthetic.length,
    quality: round(report.overall),
    qualityAllPairs: round(report.overallAllPairs),
    columnShapes: round(report.columnShapes),
    pairTrends: round(report.columnPairTrends),
    pairTrendsAllPairs: round(report.columnPairTrendsAllPairs),
    holdoutCeiling: round(ceiling.overall),
    holdoutCeilingAllPairs: round(ceiling.overallAllPairs),
    exactMatchRate: round(report.privacy.exactMatchRate),
    exactMatchesRedrawn: outcome?.exactMatchesRedrawn,
    droppedRows: outcome?.droppedRows,
    closerToTrainingShare: round(report.privacy.closerToTrainingShare),
    fitSeconds: round(fitSeconds),
    sampleSeconds: round(sampleSeconds),
    peakRssMiB: Math.round(peak / 1048576),
    modelBytes: JSON.stringify(model).length,
  };
}

function round(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 1000) / 1000;
}

const args = process.argv.slice(2);
if (args[0] === 'pagila') {
  // Pagila in PostgreSQL, with its lookup tables copied as they are (see bench/synthesis/pagila.ts).
  await (await import('./pagila.js')).runPagilaBench();
} else {
  const sizes = args.map(Number);
  for (const rows of sizes.length > 0 ? sizes : [10_000, 100_000]) {
    process.stdout.write(`${JSON.stringify(run(rows))}\n`);
  }
}

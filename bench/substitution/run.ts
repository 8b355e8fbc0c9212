/**
 * Substitution throughput and uniqueness at scale (issue 4, "Benchmarks: bench/substitution"):
 *
 *   node --import tsx bench/substitution/run.ts [--values N] [--distinct N] [--out bench/results/substitution-<date>.md]
 *
 * 1. Values/s per entity kind: `--values` (200,000) distinct inputs per kind through `compileTransform`
 *    (`substitute`), the entry point the snapshot's transform uses, with a Bloom filter of the inputs as the
 *    "real values" for the kinds whose fakes may coincide with real ones (as the pipeline builds it), once
 *    without and once with `unique` (the keyed discriminator) where the kind supports it.
 * 2. Uniqueness: `--distinct` (1,000,000) distinct e-mail addresses (name-shaped, free-mail and corporate
 *    handles) and 1,000,000 distinct full names through the unique-column path (`isUnique: true`), and the
 *    same inputs through the non-unique path. Collisions = inputs − distinct outputs, counted in a Set.
 *
 * Exits 1 when a unique-path run has a collision (the issue demands 0), after writing its report. Not a
 * test: it measures; one core, no database. Inputs are synthetic (generated from the row number).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import {
  ENTITY_KINDS,
  Secret,
  type ColumnInfo,
  type EntityKind,
  type TypeCategory,
} from '../../src/core/index.js';
import {
  createKeyedSeeder,
  entityOutput,
  mayCoincideWithRealValues,
  uniqueCapacityBits,
  ValueBloomFilter,
} from '../../src/fake-values/index.js';
import { compileTransform } from '../../src/transform/index.js';

const { values: args } = parseArgs({
  options: {
    values: { type: 'string', default: '200000' },
    distinct: { type: 'string', default: '1000000' },
    out: { type: 'string' },
  },
});
const VALUES = Number(args.values);
const DISTINCT = Number(args.distinct);

// A fixed, public benchmark key: the figures do not depend on it.
const seeder = createKeyedSeeder(
  new Secret(Buffer.from('lookalike-bench-substitution-key-not-secret-0123456789')),
);

// Synthetic "real" name parts: 200 × 200 pairs, × 26 middle initials = 1,040,000 distinct full names.
const FIRST = syllableWords(200, 11);
const LAST = syllableWords(200, 29);
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'gmx.de', 'icloud.com'];

function syllableWords(count: number, salt: number): string[] {
  const syllables = [
    'an',
    'bel',
    'cor',
    'da',
    'el',
    'fin',
    'gar',
    'ha',
    'is',
    'jo',
    'ka',
    'lin',
    'mar',
    'no',
    'or',
    'pe',
    'ri',
    'sa',
    'ton',
    'vi',
  ];
  const words = new Set<string>();
  for (let i = 0; words.size < count; i++) {
    const a = syllables[(i * 7 + salt) % syllables.length]!;
    const b = syllables[(i * 13 + salt * 3 + Math.floor(i / 20)) % syllables.length]!;
    const c = i % 3 === 0 ? syllables[(i + salt) % syllables.length]! : '';
    const word = `${a}${b}${c}`;
    words.add(word.charAt(0).toUpperCase() + word.slice(1));
  }
  return [...words];
}

/** The i-th distinct full name: `First M. Last`. */
function fullNameInput(i: number): string {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const middle = String.fromCharCode(65 + (Math.floor(i / (FIRST.length * LAST.length)) % 26));
  return `${first} ${middle}. ${last}`;
}

/** The i-th distinct e-mail address: a third each of first.last, flast@free-mail and handle@company shapes. */
function emailInput(i: number): string {
  const first = FIRST[i % FIRST.length]!.toLowerCase();
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!.toLowerCase();
  const n = Math.floor(i / (FIRST.length * LAST.length));
  switch (i % 3) {
    case 0:
      return `${first}.${last}${n}@corp${i % 97}.com`;
    case 1:
      return `${first.charAt(0)}${last}${i}@${FREE_MAIL[i % FREE_MAIL.length]!}`;
    default:
      return `u${i.toString(36)}@company${i % 31}.org`;
  }
}

/** A plausible source value of each kind (only the shape matters: the seed is keyed by the whole value). */
function inputOf(kind: EntityKind, i: number): string {
  switch (kind) {
    case 'first_name':
      return `${FIRST[i % FIRST.length]!}${i >= FIRST.length ? Math.floor(i / FIRST.length).toString(36) : ''}`;
    case 'last_name':
      return `${LAST[i % LAST.length]!}${i >= LAST.length ? Math.floor(i / LAST.length).toString(36) : ''}`;
    case 'full_name':
      return fullNameInput(i);
    case 'email':
      return emailInput(i);
    case 'phone': {
      const digits = String(2_120_000_000 + i);
      return `+1 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
    }
    case 'street_address':
      return `${1 + (i % 9999)} ${LAST[i % LAST.length]!} Street ${Math.floor(i / 9999)}`;
    case 'secondary_address':
      return `Apt. ${i}`;
    case 'city':
      return `${FIRST[i % FIRST.length]!}ville ${i}`;
    case 'state':
      return `State ${i}`;
    case 'postal_code':
      return String(i).padStart(5, '0');
    case 'country':
      return `Country ${i}`;
    case 'date_of_birth':
      // 1900-01-01 + i days: every birth date of 110 years, so inputs repeat beyond ~40,000.
      return new Date(Date.UTC(1900, 0, 1) + (i % 40_177) * 86_400_000).toISOString().slice(0, 10);
    case 'username':
      return `${FIRST[i % FIRST.length]!.toLowerCase()}_${i}`;
    case 'password':
      return `$2b$10$${i.toString(36).padStart(53, '.')}`;
    case 'company':
      return `${LAST[i % LAST.length]!} Holdings ${i}`;
    case 'ip_address':
      return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    case 'url':
      return `https://site${i}.example.net/profile/${i}`;
    case 'uuid':
      return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    case 'credit_card':
      return `4111 1111 ${String(i % 10_000).padStart(4, '0')} ${String(Math.floor(i / 10_000) % 10_000).padStart(4, '0')}`;
    case 'national_id':
      return `${String(100 + (i % 600)).padStart(3, '0')}-${String(10 + (i % 89))}-${String(i % 10_000).padStart(4, '0')}`;
    case 'free_text':
      return `Customer ${fullNameInput(i)} called about order ${i} and asked for a refund.`;
    case 'string':
      return `ref-${i.toString(36)}`;
    case 'number':
      return String(1_000_000 + i);
  }
}

const CATEGORY_TYPES: Partial<Record<TypeCategory, string>> = {
  string: 'text',
  date: 'date',
  network: 'inet',
  uuid: 'uuid',
  integer: 'int8',
};

function columnFor(kind: EntityKind): ColumnInfo {
  const categories = entityOutput(kind).categories;
  const category: TypeCategory = categories.includes('string') ? 'string' : (categories[0] ?? 'string');
  const type = CATEGORY_TYPES[category] ?? 'text';
  return {
    name: kind,
    dataType: type,
    baseType: type,
    category,
    elementCategory: null,
    maxLength: null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
  };
}

/** Bloom filters of the "real" values, per scope, as the pipeline reads them before the load. */
function bloomOf(count: number, input: (i: number) => string): ValueBloomFilter {
  const filter = new ValueBloomFilter(count);
  for (let i = 0; i < count; i++) filter.add(input(i));
  return filter;
}

const nameFilters = new Map<string, ValueBloomFilter>([
  ['first_name', bloomOf(FIRST.length, (i) => FIRST[i]!)],
  ['last_name', bloomOf(LAST.length, (i) => LAST[i]!)],
]);
const isScopeValue = (scope: string, value: string): boolean => nameFilters.get(scope)?.has(value) === true;

function transformOf(kind: EntityKind, unique: boolean, realValues: ValueBloomFilter | undefined) {
  const column = columnFor(kind);
  return compileTransform(
    { kind: 'substitute', entity: kind },
    {
      column,
      seeder,
      isUnique: unique,
      columnIndexByName: new Map([[column.name, 0]]),
      rowKeyIndexes: [],
      ...(realValues === undefined ? {} : { isSourceValue: (value: string) => realValues.has(value) }),
      isScopeValue,
    },
  );
}

interface Throughput {
  readonly kind: EntityKind;
  readonly distinctInputs: number;
  readonly valuesPerSecond: number;
  readonly uniqueValuesPerSecond: number | null;
  readonly uniqueBits: number;
}

function throughput(kind: EntityKind): Throughput {
  const real = mayCoincideWithRealValues(kind) ? bloomOf(VALUES, (i) => inputOf(kind, i)) : undefined;
  const measure = (unique: boolean): number => {
    const transform = transformOf(kind, unique, real);
    const row: (string | null)[] = [null];
    // Warm-up on other inputs, then the timed pass over distinct inputs (no memo hits).
    for (let i = 0; i < 5_000; i++) transform(inputOf(kind, VALUES + i), row);
    const inputs = Array.from({ length: VALUES }, (_, i) => inputOf(kind, i));
    const started = performance.now();
    let length = 0;
    for (const input of inputs) length += transform(input, row)?.length ?? 0;
    const seconds = (performance.now() - started) / 1000;
    if (length === 0) throw new Error(`${kind}: no output`);
    return Math.round(VALUES / seconds);
  };
  const canBeUnique = entityOutput(kind).canBeUnique;
  return {
    kind,
    distinctInputs: new Set(Array.from({ length: VALUES }, (_, i) => inputOf(kind, i))).size,
    valuesPerSecond: measure(false),
    uniqueValuesPerSecond: canBeUnique ? measure(true) : null,
    uniqueBits: uniqueCapacityBits(kind, null),
  };
}

/** Identifier shapes `encrypt` is for, as a source holds them (distinct for distinct i). */
const ENCRYPT_SHAPES: readonly {
  readonly label: string;
  readonly alphabet: 'auto' | 'digits' | 'alphanumeric';
  readonly input: (i: number) => string;
}[] = [
  {
    label: 'account ref `ACC-0042117` (auto: digits)',
    alphabet: 'auto',
    input: (i) => `ACC-${String(i).padStart(7, '0')}`,
  },
  {
    label: 'card-like `4000 0012 3456 7890` (digits)',
    alphabet: 'digits',
    input: (i) =>
      `4000 ${String(i)
        .padStart(12, '0')
        .replace(/(\d{4})(?=\d)/g, '$1 ')}`,
  },
  {
    label: 'code `Kb7x2Q-q9` (alphanumeric)',
    alphabet: 'alphanumeric',
    input: (i) => `Kb${i.toString(36).padStart(4, '0')}-q9`,
  },
];

function encryptTransform(alphabet: 'auto' | 'digits' | 'alphanumeric') {
  const column = columnFor('string');
  return compileTransform(
    { kind: 'encrypt', alphabet, scope: 'bench' },
    {
      column,
      seeder,
      isUnique: true,
      columnIndexByName: new Map([[column.name, 0]]),
      rowKeyIndexes: [],
      isScopeValue,
    },
  );
}

interface EncryptRun {
  readonly label: string;
  readonly inputs: number;
  readonly valuesPerSecond: number;
  readonly collisions: number;
  /** Outputs equal to their own input (a fixed point would leave that row's id real). */
  readonly unchanged: number;
  /** Outputs that did not decrypt back to their input (must be 0: the key recovers every id). */
  readonly notRecovered: number;
}

/** `encrypt` (FF1): values/s, collisions and fixed points over `DISTINCT` distinct ids; a sample decrypted. */
function encryptRun(shape: (typeof ENCRYPT_SHAPES)[number]): EncryptRun {
  const transform = encryptTransform(shape.alphabet);
  const row: (string | null)[] = [null];
  const outputs = new Set<string>();
  let unchanged = 0;
  const started = performance.now();
  for (let i = 0; i < DISTINCT; i++) {
    const input = shape.input(i);
    const output = transform(input, row);
    if (output === null) throw new Error(`${shape.label}: no output`);
    if (output === input) unchanged++;
    outputs.add(output);
  }
  const seconds = (performance.now() - started) / 1000;
  const cipher = seeder.formatCipher;
  let notRecovered = 0;
  for (let i = 0; i < DISTINCT; i += Math.max(1, Math.floor(DISTINCT / 10_000))) {
    const input = shape.input(i);
    const output = transform(input, row) as string;
    if (cipher.decrypt(output, 'bench', shape.alphabet) !== input) notRecovered++;
  }
  const run = {
    label: shape.label,
    inputs: DISTINCT,
    valuesPerSecond: Math.round(DISTINCT / seconds),
    collisions: DISTINCT - outputs.size,
    unchanged,
    notRecovered,
  };
  console.error(`encrypt ${shape.label}: ${run.valuesPerSecond} values/s, ${run.collisions} collision(s)`);
  return run;
}

interface UniquenessRun {
  readonly label: string;
  readonly kind: EntityKind;
  readonly unique: boolean;
  readonly inputs: number;
  readonly distinctOutputs: number;
  readonly collisions: number;
  readonly seconds: number;
}

function uniqueness(
  label: string,
  kind: EntityKind,
  unique: boolean,
  input: (i: number) => string,
): UniquenessRun {
  const real = mayCoincideWithRealValues(kind) ? bloomOf(DISTINCT, input) : undefined;
  const transform = transformOf(kind, unique, real);
  const row: (string | null)[] = [null];
  const outputs = new Set<string>();
  const started = performance.now();
  for (let i = 0; i < DISTINCT; i++) {
    const output = transform(input(i), row);
    if (output !== null) outputs.add(output);
  }
  const seconds = (performance.now() - started) / 1000;
  const run = {
    label,
    kind,
    unique,
    inputs: DISTINCT,
    distinctOutputs: outputs.size,
    collisions: DISTINCT - outputs.size,
    seconds: Math.round(seconds * 10) / 10,
  };
  console.error(
    `${label}: ${run.collisions} collision(s) in ${DISTINCT.toLocaleString('en-US')} (${run.seconds}s)`,
  );
  return run;
}

/** Which code was measured: the commit, whether src/ had uncommitted changes, and a digest of src/. */
function code(): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  const files = git('ls-files', '--cached', '--others', '--exclude-standard', 'src').split('\n').sort();
  const digest = createHash('sha256');
  for (const file of files)
    digest
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  const dirty = git('status', '--porcelain', 'src')
    .split('\n')
    .filter((l) => l !== '').length;
  return `commit ${git('rev-parse', '--short=12', 'HEAD')}${dirty === 0 ? '' : ` + ${dirty} uncommitted change(s) in src/`}, sha256(src/) ${digest.digest('hex').slice(0, 16)}`;
}

function machine(): string[] {
  const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
  const field = (name: string): string =>
    lscpu
      .split('\n')
      .find((l) => l.startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim() ?? '?';
  return [
    `CPU: ${field('Model name')}, ${field('CPU(s)')} CPUs (${field('Core(s) per socket')} cores per socket, ${field('Thread(s) per core')} thread(s) per core), ${field('Hypervisor vendor')} guest`,
    `RAM: ${(totalmem() / 2 ** 30).toFixed(1)} GiB · Node ${process.version} · one core used (single-threaded)`,
    `Code: ${code()}`,
  ];
}

// Each input is distinct: check the generators, so a collision is the fakes', not the inputs'.
for (const [name, input] of [
  ['email', emailInput],
  ['full name', fullNameInput],
] as const) {
  const seen = new Set<string>();
  for (let i = 0; i < DISTINCT; i++) seen.add(input(i));
  if (seen.size !== DISTINCT) throw new Error(`bench inputs: ${name} inputs are not distinct`);
}

const startedAt = new Date();
const loadAtStart = loadavg()[0] ?? 0;
console.error(
  `substitution bench: ${VALUES.toLocaleString('en-US')} values per kind, ${DISTINCT.toLocaleString('en-US')} distinct per uniqueness run`,
);
const rates: Throughput[] = [];
for (const kind of ENTITY_KINDS) {
  const rate = throughput(kind);
  console.error(`${kind}: ${rate.valuesPerSecond.toLocaleString('en-US')} values/s`);
  rates.push(rate);
}
const runs = [
  uniqueness('e-mail, unique column', 'email', true, emailInput),
  uniqueness('full name, unique column', 'full_name', true, fullNameInput),
  uniqueness('e-mail, non-unique column', 'email', false, emailInput),
  uniqueness('full name, non-unique column', 'full_name', false, fullNameInput),
];
const encryptRuns = ENCRYPT_SHAPES.map(encryptRun);
const loadAtEnd = loadavg()[0] ?? 0;
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const failed = runs.filter((r) => r.unique && r.collisions > 0);
const encryptFailed = encryptRuns.filter((r) => r.collisions + r.unchanged + r.notRecovered > 0);

const fmt = (n: number): string => n.toLocaleString('en-US');
const report = [
  `# Substitution bench — ${startedAt.toISOString().slice(0, 10)}`,
  '',
  `Run: ${startedAt.toISOString().slice(0, 16)}Z, \`node --import tsx bench/substitution/run.ts\` (${fmt(VALUES)} values per kind, ${fmt(DISTINCT)} per uniqueness run).`,
  '',
  '## Machine',
  '',
  ...machine().map((l) => `- ${l}`),
  `- 1-minute load average: ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end (2 CPUs, shared with other work: single-run figures, not a quiet-machine best)`,
  `- Peak RSS of the bench process: ${fmt(peakRssMb)} MB`,
  '',
  '## Values/s per entity kind',
  '',
  'Distinct inputs through `compileTransform({ kind: "substitute", entity })` on a text column (`inet`,',
  '`uuid`, `date` where the kind takes no text), keyed seed + fake + redraws against a Bloom filter of the',
  'inputs for kinds whose fakes may equal real values. "unique": the same with `isUnique` (keyed',
  'discriminator), for kinds that can carry one; "bits": keyed bits a unique fake carries, unbounded length.',
  '',
  '| kind | distinct inputs | values/s | values/s, unique | bits |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rates.map(
    (r) =>
      `| ${r.kind} | ${fmt(r.distinctInputs)} | ${fmt(r.valuesPerSecond)} | ${r.uniqueValuesPerSecond === null ? '— (cannot be unique)' : fmt(r.uniqueValuesPerSecond)} | ${r.uniqueBits} |`,
  ),
  '',
  '## Uniqueness over distinct inputs',
  '',
  "E-mails: a third each of `first.last<n>@corp<k>.com` (built from the names' fakes), `flast<i>@<free mail>`",
  'and `u<base36>@company<k>.org`. Full names: `First M. Last` over 200 first × 200 last names × 26 initials.',
  'Collisions = inputs − distinct outputs (exact string comparison). The unique-column path must give 0.',
  '',
  '| run | inputs | distinct outputs | collisions | seconds |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...runs.map(
    (r) =>
      `| ${r.label} | ${fmt(r.inputs)} | ${fmt(r.distinctOutputs)} | ${fmt(r.collisions)} | ${r.seconds} |`,
  ),
  '',
  failed.length === 0
    ? 'Result: **0 collisions on every unique-column run.**'
    : `Result: **FAILED** — collisions on the unique-column path: ${failed.map((r) => `${r.label} (${fmt(r.collisions)})`).join(', ')}.`,
  '',
  ...failed
    .filter((r) => !entityOutput(r.kind).canBeUnique)
    .map(
      (r) =>
        `Why: \`${r.kind}\` fakes cannot carry a keyed discriminator (\`entityOutput('${r.kind}').canBeUnique\` is false; ${uniqueCapacityBits(r.kind, null)} keyed bits from word lists), so \`isUnique\` does not change them and distinct inputs collide at about n² / 2^(bits+1). A snapshot never meets this: the plan's pre-flight refuses a unique ${r.kind} column (error \`unique_may_collide\`). The issue's goal (0 collisions on 1,000,000 distinct names) needs a unique form of the kind first.`,
    ),
  ...(failed.some((r) => !entityOutput(r.kind).canBeUnique) ? [''] : []),
  '## Format-preserving encryption (`encrypt`, FF1 over AES-256)',
  '',
  'Distinct ids through `compileTransform({ kind: "encrypt" })`: values/s (two FF1 calls per value: the',
  'cipher has no fixed point), collisions (a permutation has none), outputs equal to their input, and a',
  'sample of 10,000 outputs decrypted with the key (`lookalike decrypt`): every one must give its input back.',
  '',
  '| shape | inputs | values/s | collisions | unchanged | not recovered |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...encryptRuns.map(
    (r) =>
      `| ${r.label} | ${fmt(r.inputs)} | ${fmt(r.valuesPerSecond)} | ${fmt(r.collisions)} | ${fmt(r.unchanged)} | ${fmt(r.notRecovered)} |`,
  ),
  '',
  encryptFailed.length === 0
    ? 'Result: **0 collisions, 0 unchanged ids and every sampled id recovered.**'
    : `Result: **FAILED** — ${encryptFailed.map((r) => r.label).join(', ')}.`,
  '',
  `<!-- ${JSON.stringify({ date: startedAt.toISOString(), node: process.version, loadAtStart, loadAtEnd, peakRssMb, rates, runs, encryptRuns })} -->`,
  '',
].join('\n');

if (args.out === undefined) process.stdout.write(report);
else {
  await writeFile(args.out, report);
  console.error(`wrote ${args.out}`);
}
process.exitCode = failed.length + encryptFailed.length === 0 ? 0 : 1;

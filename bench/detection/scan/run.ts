/**
 * Scan speed on a wide schema (bench, not a test): builds `lookalike_bench_scan` — 100 tables of 10 columns
 * and 20,000 rows each, a third of them with meaningless column names — then times `lookalike scan` on it.
 * Goal ([detect]): a 100-table schema scanned in under 30 s.
 *   node --import tsx bench/detection/scan/run.ts [--tables 100] [--rows 20000] [--fresh]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runCli } from '../../../src/cli/main.js';
import { PassThrough } from 'node:stream';

const { values: args } = parseArgs({
  options: {
    tables: { type: 'string', default: '100' },
    rows: { type: 'string', default: '20000' },
    fresh: { type: 'boolean', default: false },
  },
});
const TABLES = Number(args.tables);
const ROWS = Number(args.rows);
const SERVER = process.env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'lookalike_bench_scan';

const FIRST = [
  'Anna',
  'Ben',
  'Chiara',
  'Dmitri',
  'Elif',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lucas',
];
const LAST = [
  'Okafor',
  'Schmidt',
  'Rossi',
  'Nguyen',
  'Garcia',
  'Kowalski',
  'Dubois',
  'Silva',
  'Haddad',
  'Berg',
];
const arr = (xs: readonly string[]): string => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;

/** Ten column templates: (name, opaque name, SQL type, SQL expression of g). */
const COLUMNS: readonly [string, string, string, string][] = [
  ['first_name', 'c1', 'text', `(${arr(FIRST)})[1 + g % ${FIRST.length}]`],
  ['last_name', 'c2', 'text', `(${arr(LAST)})[1 + (g / 7) % ${LAST.length}]`],
  [
    'email',
    'c3',
    'text',
    `lower((${arr(FIRST)})[1 + g % ${FIRST.length}]) || '.' || g || '@mail.example.net'`,
  ],
  ['phone', 'c4', 'text', `'+44 20 7946 ' || lpad((g % 10000)::text, 4, '0')`],
  ['amount', 'c5', 'numeric(10,2)', `(g % 1000) * 1.25`],
  ['status', 'c6', 'text', `(ARRAY['open','paid','shipped','void'])[1 + g % 4]`],
  ['created_at', 'c7', 'timestamptz', `timestamptz '2024-01-01' + (g || ' minutes')::interval`],
  [
    'notes',
    'c8',
    'text',
    `'Customer asked about delivery of parcel ' || g || '. Agent replied the same day and closed the case.'`,
  ],
  ['quantity', 'c9', 'integer', `g % 17`],
  ['sku', 'c10', 'text', `'SKU-' || lpad((g % 99991)::text, 6, '0')`],
];

async function withClient<T>(database: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function build(): Promise<void> {
  const exists = await withClient(
    'postgres',
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1,
  );
  if (exists && args.fresh !== true) return;
  await withClient('postgres', async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await c.query(`CREATE DATABASE ${DATABASE}`);
  });
  const started = performance.now();
  await withClient(DATABASE, async (c) => {
    for (let t = 0; t < TABLES; t++) {
      const opaque = t % 3 === 2;
      const name = opaque ? `t${t}` : `customer_records_${t}`;
      const cols = COLUMNS.map(([plain, dark, type]) => `${opaque ? dark : plain} ${type}`);
      await c.query(`CREATE TABLE ${name} (id bigint PRIMARY KEY, ${cols.join(', ')})`);
      const exprs = COLUMNS.map(([, , , expr]) => expr);
      await c.query(`INSERT INTO ${name} SELECT g, ${exprs.join(', ')} FROM generate_series(1, ${ROWS}) g`);
    }
    await c.query('ANALYZE');
  });
  process.stdout.write(
    `built ${TABLES} tables × ${ROWS} rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

await build();
const url = new URL(SERVER);
url.pathname = `/${DATABASE}`;
const stdout = new PassThrough();
const chunks: Buffer[] = [];
stdout.on('data', (c: Buffer) => chunks.push(c));
const started = performance.now();
const code = await runCli(
  ['node', 'lookalike', 'scan', '--source', url.toString(), '--format', 'json'],
  { stdout, stderr: new PassThrough(), env: process.env },
  new AbortController().signal,
);
const seconds = (performance.now() - started) / 1000;
const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
  columns: { decision: string; category: string | null; column: string }[];
};
const count = (d: string): number => report.columns.filter((c) => c.decision === d).length;
process.stdout.write(
  `scan: exit ${code}, ${TABLES} tables, ${report.columns.length} columns in ${seconds.toFixed(1)} s (detection load included); ` +
    `personal ${count('personal')}, prose ${count('prose')}, not personal ${count('not_personal')}, undecided ${count('undecided')}; ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
);

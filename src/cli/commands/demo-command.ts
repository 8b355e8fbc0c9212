import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../config/index.js';
import { GatewayError, Secret, silentLogger } from '../../core/index.js';
import { openDemoDatabases } from '../../compose.js';
import { runSnapshot } from '../../pipeline/index.js';
import { loadDetection } from '../detection-setup.js';
import { loadPolicy, parsePolicy, type Policy } from '../../policy/index.js';
import { formatSubsetText } from '../../subset/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import { outputFormat } from '../cli-options.js';
import { EXIT_OK } from '../exit-codes.js';
import { createProgressRenderer } from '../progress-renderer.js';
import { describeSummary } from './snapshot-command.js';

export interface DemoOptions {
  readonly format?: string;
  readonly customers?: string;
  readonly subsetPercent?: string;
}

const CUSTOMER_COLUMNS = `id, first_name, last_name, email, phone, date_of_birth::text AS date_of_birth`;
const CUSTOMER_SAMPLE = `SELECT ${CUSTOMER_COLUMNS} FROM customers ORDER BY id LIMIT 3`;
const TICKET_COLUMNS = `id, customer_id, subject, body`;
const TICKET_SAMPLE = `SELECT ${TICKET_COLUMNS} FROM support_tickets ORDER BY id LIMIT 2`;

/**
 * `lookalike demo`: no server needed. Generates a synthetic "production" shop in an embedded PostgreSQL,
 * plans it with examples/demo.policy.yaml and snapshots it into a second embedded database.
 */
export async function demoCommand(options: DemoOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const format = outputFormat(options);
  const customers = Number(options.customers ?? '200');
  if (!Number.isInteger(customers) || customers < 1 || customers > 100_000) {
    throw new GatewayError('usage', '--customers must be an integer between 1 and 100000');
  }
  const subsetPercent = percentOption(options.subsetPercent);
  const policyFile = join(packageRoot(), 'examples', 'demo.policy.yaml');
  const policy =
    subsetPercent === undefined
      ? await loadPolicy(policyFile)
      : await withCustomerSubset(policyFile, subsetPercent);
  // The demo alone may invent a key: its data is synthetic and its output is thrown away.
  const secret = new Secret(randomBytes(48));
  say(io, `lookalike demo: generating an embedded "production" shop database (${customers} customers)…`);
  if (subsetPercent !== undefined) {
    say(io, `copying a subset: ${subsetPercent}% of the customers with everything around them`);
  }
  say(
    io,
    `using a throwaway key generated for this run (key id ${secret.keyId}); real runs need --secret-file or LOOKALIKE_SECRET`,
  );

  const demo = await openDemoDatabases(customers);
  try {
    const summary = await runSnapshot({
      source: demo.source,
      target: demo.target,
      policy,
      detection: await loadDetection(),
      selection: { schemas: [], tables: [] },
      secret,
      batchRows: 500,
      signal,
      logger: silentLogger,
      onEvent: createProgressRenderer(io.stderr),
    });
    const after = {
      customers: await demo.query('target', CUSTOMER_SAMPLE),
      tickets: await demo.query('target', TICKET_SAMPLE),
    };
    // The source rows behind those shown after (a subset keeps only some ids; the run leaves the source
    // as it was, so reading it now is reading it before).
    const before = {
      customers: await demo.query('source', sameIds(CUSTOMER_COLUMNS, 'customers', after.customers)),
      tickets: await demo.query('source', sameIds(TICKET_COLUMNS, 'support_tickets', after.tickets)),
    };
    if (format === 'json') {
      writeJson(io, { summary, before, after });
    } else {
      say(io, '');
      say(io, 'customers — before (synthetic "production"):');
      say(io, formatRows(before.customers));
      say(io, 'customers — after:');
      say(io, formatRows(after.customers));
      say(io, 'support_tickets — before:');
      say(io, formatRows(before.tickets));
      say(io, 'support_tickets — after:');
      say(io, formatRows(after.tickets));
      say(io, '');
      say(io, describeSummary(summary));
      if (summary.subset !== undefined) say(io, formatSubsetText(summary.subset));
      say(io, 'next: "lookalike plan --source <url> --policy <file>" on your own database (see README)');
    }
    return EXIT_OK;
  } finally {
    await demo.close();
  }
}

function percentOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const percent = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(percent > 0 && percent <= 100))
    throw new GatewayError('usage', '--subset-percent must be a number above 0 and at most 100');
  return percent;
}

/** The demo policy with a `subset:` section: that share of the customers, and the closure around them. */
async function withCustomerSubset(policyFile: string, percent: number): Promise<Policy> {
  const text = await readFile(policyFile, 'utf8');
  return parsePolicy(
    `${text}\nsubset:\n  targets: [{ table: public.customers, percent: ${percent} }]\n`,
    policyFile,
  );
}

/** The source's rows with the ids of `shown` (target rows), in id order. */
function sameIds(columns: string, table: string, shown: readonly Record<string, unknown>[]): string {
  const ids = shown.map((row) => String(row.id)).filter((id) => /^\d+$/.test(id));
  return `SELECT ${columns} FROM ${table} WHERE id IN (${ids.length === 0 ? 'NULL' : ids.join(', ')}) ORDER BY id`;
}

function formatRows(rows: readonly Record<string, unknown>[]): string {
  return rows
    .map((row) =>
      Object.entries(row)
        .map(([key, value]) => `${key}=${truncate(displayValue(value))}`)
        .join('  '),
    )
    .map((line) => `  ${line}`)
    .join('\n');
}

function truncate(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 90 ? `${flat.slice(0, 87)}…` : flat;
}

function displayValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'NULL';
}

import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { GatewayError } from '../../core/index.js';
import {
  DETECT_MAX_TEXT_CHARS,
  DETECT_MAX_TEXTS,
  type DetectResult,
  type SourcePlan,
  type SourceScan,
} from '../../http/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import { EXIT_NEEDS_DECISION, EXIT_OK } from '../exit-codes.js';
import { detectLine } from './detect-command.js';
import { openGatewayClient, type GatewayClientOptions } from './request-command.js';

export interface RequestPlanOptions extends GatewayClientOptions {
  readonly policy?: string;
  /** Exit 3 when the plan would stop a snapshot (uncovered columns, pre-flight errors). */
  readonly check?: boolean;
}

export interface RequestDetectOptions extends GatewayClientOptions {
  readonly threshold?: string;
}

/** `lookalike request scan <source>`: the gateway's classification of a source's columns (no values). */
export async function requestScanCommand(
  source: string,
  options: GatewayClientOptions,
  io: CliIo,
): Promise<number> {
  const client = await openGatewayClient(options, io);
  const scan = await client.json<SourceScan>('POST', `/v1/sources/${encodeURIComponent(source)}/scan`);
  if (options.format === 'json') writeJson(io, scan);
  else {
    for (const c of scan.columns)
      say(
        io,
        `${c.table}.${c.column}${c.path === null ? '' : c.path.slice(1)}  ${c.category ?? '—'}  ${c.confidence.toFixed(2)}  ${c.decision.replace('_', ' ')}`,
      );
    say(
      io,
      `${scan.columns.length} columns/paths in ${scan.tables} tables, ${scan.rows_sampled} rows sampled`,
    );
  }
  return EXIT_OK;
}

/** `lookalike request plan <source> [--policy name]`: column → action ← rule, and the pre-flight. */
export async function requestPlanCommand(
  source: string,
  options: RequestPlanOptions,
  io: CliIo,
): Promise<number> {
  const client = await openGatewayClient(options, io);
  const plan = await client.json<SourcePlan>(
    'POST',
    `/v1/sources/${encodeURIComponent(source)}/plan`,
    options.policy === undefined ? {} : { policy: options.policy },
  );
  if (options.format === 'json') writeJson(io, plan);
  else {
    say(io, `plan of ${plan.source} with ${plan.policy === null ? 'a fresh scan' : `policy ${plan.policy}`}`);
    for (const t of plan.tables)
      for (const c of t.columns) say(io, `${t.table}.${c.name}  ${c.action}  ← ${c.rule}`);
    for (const f of plan.findings) say(io, `${f.severity}: ${f.message} [${f.code}]`);
    for (const u of plan.uncovered) say(io, `uncovered: ${u.table}.${u.column}`);
    say(io, plan.runnable ? 'runnable' : 'not runnable: decide the uncovered columns and errors first');
  }
  return options.check === true && !plan.runnable ? EXIT_NEEDS_DECISION : EXIT_OK;
}

/** JSON bytes of texts per POST /v1/detect: under the gateway's default body limit (64 KiB). */
const BATCH_BYTES = 48_000;

/**
 * `lookalike request detect`: `lookalike detect` through the gateway — JSON Lines `{"id","text"}` on stdin,
 * `{"id","entities"}` on stdout, one line per input line, in order; a malformed line gets an error line.
 */
export async function requestDetectCommand(
  options: RequestDetectOptions,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
    throw new GatewayError('usage', '--threshold must be a number between 0 and 1');
  const client = await openGatewayClient(options, io);
  const lines = createInterface({ input: io.stdin ?? Readable.from([]), crlfDelay: Infinity });
  let pending: { out: ReturnType<typeof detectLine>; text: string | null }[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    const texts = pending.flatMap((p, i) =>
      p.text === null || 'error' in p.out ? [] : [{ id: i, text: p.text }],
    );
    const found =
      texts.length === 0
        ? { results: [] }
        : await client.json<DetectResult>('POST', '/v1/detect', {
            texts,
            ...(threshold === undefined ? {} : { threshold }),
          });
    const byIndex = new Map(found.results.map((r) => [r.id, r.entities]));
    for (const [i, p] of pending.entries()) {
      const out = 'error' in p.out ? p.out : { id: p.out.id, entities: byIndex.get(i) ?? [] };
      io.stdout.write(`${JSON.stringify(out)}\n`);
    }
    pending = [];
    bytes = 0;
  };
  let lineNumber = 0;
  for await (const line of lines) {
    if (signal.aborted) throw new GatewayError('cancelled', 'detect cancelled');
    lineNumber++;
    if (line.trim() === '') continue;
    let text: string | null = null;
    // The same validation as `lookalike detect` (its error lines never quote the input).
    let out = detectLine(line, lineNumber, (t) => {
      text = t;
      return [];
    });
    // A text the gateway would refuse gets its own error line instead of failing its whole batch.
    if (text !== null && (text as string).length > DETECT_MAX_TEXT_CHARS) {
      out = {
        id: 'id' in out ? out.id : null,
        error: {
          code: 'invalid_input',
          message: `line ${lineNumber}: "text" is longer than ${DETECT_MAX_TEXT_CHARS} characters`,
        },
      };
      text = null;
    }
    const size = text === null ? 0 : Buffer.byteLength(JSON.stringify(text));
    if (pending.length > 0 && (pending.length >= DETECT_MAX_TEXTS || bytes + size > BATCH_BYTES))
      await flush();
    pending.push({ out, text });
    bytes += size;
  }
  await flush();
  return EXIT_OK;
}

/** `lookalike request manifest <id>`: the stored manifest file to stdout, as `lookalike manifest verify` reads it. */
export async function requestManifestCommand(
  id: string,
  options: GatewayClientOptions,
  io: CliIo,
): Promise<number> {
  const client = await openGatewayClient(options, io);
  const response = await client.call('GET', `/v1/snapshots/${encodeURIComponent(id)}/manifest`);
  io.stdout.write(await response.text());
  say(io, `manifest ${response.headers.get('lookalike-manifest-id') ?? ''}`.trimEnd());
  return EXIT_OK;
}

import { GatewayError } from '../../core/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { openGatewayClient, type GatewayClientOptions } from './request-command.js';

export interface AuditExportOptions extends GatewayClientOptions {
  readonly actor?: string;
  readonly action?: string;
  readonly subject?: string;
  readonly source?: string;
  readonly outcome?: string;
  readonly since?: string;
  readonly until?: string;
}

interface Verification {
  readonly ok: boolean;
  readonly events: number;
  readonly head?: string;
  readonly broken_at?: { readonly seq: number; readonly id: string };
  readonly reason?: string;
}

/** `lookalike audit verify`: walks the gateway's hash chain; exit 1 naming the first event that breaks it. */
export async function auditVerifyCommand(options: GatewayClientOptions, io: CliIo): Promise<number> {
  const client = await openGatewayClient(options, io);
  const result = await client.json<Verification>('GET', '/v1/audit/verify');
  if (options.format === 'json') writeJson(io, result);
  if (result.ok) {
    say(io, `audit chain intact: ${result.events} events, head ${result.head ?? '-'}`);
    return EXIT_OK;
  }
  say(
    io,
    `audit chain broken at event #${result.broken_at?.seq ?? '?'} (${result.broken_at?.id ?? '?'}): ${result.reason ?? 'unknown'}; ${result.events} events verified before it`,
  );
  return EXIT_FAILED;
}

const PAGE = 1000;

/** `lookalike audit export`: every matching event as JSON Lines on stdout (for a SIEM), paged by seq. */
export async function auditExportCommand(
  options: AuditExportOptions,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const client = await openGatewayClient(options, io);
  const filters = new URLSearchParams();
  for (const key of ['actor', 'action', 'subject', 'source', 'outcome', 'since', 'until'] as const) {
    const value = options[key];
    if (value !== undefined) filters.set(key, value);
  }
  let after = 0;
  let total = 0;
  for (;;) {
    if (signal.aborted) throw new GatewayError('cancelled', 'export stopped');
    const query = new URLSearchParams(filters);
    query.set('format', 'jsonl');
    query.set('limit', String(PAGE));
    query.set('after_seq', String(after));
    const text = await (await client.call('GET', `/v1/audit?${query.toString()}`)).text();
    const lines = text.split('\n').filter((l) => l !== '');
    for (const line of lines) io.stdout.write(`${line}\n`);
    total += lines.length;
    const last = lines[lines.length - 1];
    if (lines.length < PAGE || last === undefined) break;
    after = (JSON.parse(last) as { seq: number }).seq;
  }
  say(io, `exported ${total} audit events`);
  return EXIT_OK;
}

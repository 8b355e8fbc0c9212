import type { Settings } from '../../config/index.js';
import { createAdvisor, createSource } from '../../compose.js';
import { draftPolicy, scanSource, type ScannedColumn, type ScanReport } from '../../pipeline/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import { outputFormat, requireOption, selectionFrom, type CommonOptions } from '../cli-options.js';
import { loadDetection } from '../detection-setup.js';
import { EXIT_OK } from '../exit-codes.js';
import { assertWritable, writeOutputFile } from '../output-file.js';

export interface ScanOptions extends CommonOptions {
  readonly source?: string;
  readonly writePolicy?: string;
  readonly sampleRows?: string;
}

/**
 * `lookalike scan`: every column's kind of personal data (or "not personal"), with a confidence and the
 * evidence — counts and rule names, never values. `--write-policy` drafts a policy from it.
 */
export async function scanCommand(
  options: ScanOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
): Promise<number> {
  const format = outputFormat(options);
  const selection = selectionFrom(options);
  if (options.writePolicy !== undefined) await assertWritable(options.writePolicy, '--write-policy');
  const detection = await loadDetection();
  const connector = createSource(requireOption(options.source, '--source'), settings);
  const session = await connector.openSource(signal);
  try {
    const advisor = createAdvisor(settings);
    const { schema, classified, report } = await scanSource(session, selection, detection, signal, {
      ...(advisor === undefined ? {} : { advisor }),
    });
    if (options.writePolicy !== undefined) {
      const text = draftPolicy(schema, classified, detection, draftHeader(report));
      await writeOutputFile(options.writePolicy, '--write-policy', text);
      say(io, `draft policy written to ${options.writePolicy}`);
    }
    if (format === 'json') writeJson(io, report);
    else say(io, formatScanText(report));
    return EXIT_OK;
  } finally {
    await session.close();
  }
}

export function draftHeader(report: ScanReport): string {
  const undecided = report.columns.filter((c) => c.decision === 'undecided' && c.path === null).length;
  return [
    'Draft policy written by "lookalike scan --write-policy": review every decision before you rely on it.',
    `Scanned ${report.tables} tables, ${report.rowsSampled} sampled rows (schema ${report.schemaFingerprint.slice(0, 16)}).`,
    'Each entry is preceded by what the scan found (kind, confidence, evidence: counts and rule names).',
    undecided === 0
      ? 'Every column was decided.'
      : `${undecided} column(s) could not be decided: they are commented out, and the plan stops until you decide.`,
  ].join('\n');
}

/** One line per column: table.column[path]  KIND  confidence  decision  — evidence. */
export function formatScanText(report: ScanReport): string {
  const rows = report.columns.map((c) => [
    `${c.table}.${c.column}${c.path === null ? '' : c.path.slice(1)}`,
    c.category ?? (c.decision === 'prose' ? 'free text' : '—'),
    c.confidence.toFixed(2),
    c.decision.replace('_', ' '),
    evidenceSummary(c),
  ]);
  const headers = ['column', 'kind', 'conf', 'decision', 'evidence'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  widths[4] = 0;
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const counts = (d: string): number => report.columns.filter((c) => c.decision === d).length;
  return [
    line(headers),
    ...rows.map(line),
    '',
    `${report.columns.length} columns/paths in ${report.tables} tables: ${counts('personal')} personal, ${counts('prose')} free text, ${counts('not_personal')} not personal, ${counts('undecided')} undecided`,
  ].join('\n');
}

function evidenceSummary(c: ScannedColumn): string {
  return c.evidence
    .filter((e) => e.weight !== 0)
    .slice(0, 2)
    .map((e) => e.detail)
    .join('; ');
}

import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { GatewayError } from '../../core/index.js';
import type { TextSpan } from '../../detection/index.js';
import { loadDetection } from '../detection-setup.js';
import { say, type CliIo } from '../cli-output.js';
import { EXIT_OK } from '../exit-codes.js';

export interface DetectOptions {
  readonly threshold?: string;
}

/**
 * `lookalike detect`: JSON Lines `{"id":…,"text":…}` on stdin → `{"id":…,"entities":[…]}` on stdout, one
 * line per input line, in order. A malformed line gets an error line (which never quotes the input).
 */
export async function detectCommand(options: DetectOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
    throw new GatewayError('usage', '--threshold must be a number between 0 and 1');
  const detection = await loadDetection();
  const detector = detection.textDetector(threshold === undefined ? {} : { threshold });
  const lines = createInterface({ input: io.stdin ?? Readable.from([]), crlfDelay: Infinity });
  let lineNumber = 0;
  let failed = 0;
  for await (const line of lines) {
    if (signal.aborted) throw new GatewayError('cancelled', 'detect cancelled');
    lineNumber++;
    if (line.trim() === '') continue;
    const result = detectLine(line, lineNumber, (text) => detector.detect(text));
    if ('error' in result) failed++;
    await write(io.stdout, `${JSON.stringify(result)}\n`);
  }
  if (failed > 0)
    say(io, `detect: ${failed} of ${lineNumber} line(s) were not valid input (see their error lines)`);
  return EXIT_OK;
}

type DetectLineResult =
  | { readonly id: unknown; readonly entities: readonly PublicSpan[] }
  | { readonly id: unknown; readonly error: { readonly code: 'invalid_input'; readonly message: string } };

interface PublicSpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly score: number;
}

/** One input line to one output object; never throws on bad input. */
export function detectLine(
  line: string,
  lineNumber: number,
  detect: (text: string) => readonly TextSpan[],
): DetectLineResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return invalid(null, `line ${lineNumber}: not a JSON object`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return invalid(null, `line ${lineNumber}: not a JSON object`);
  const record = parsed as Record<string, unknown>;
  const id = typeof record.id === 'string' || typeof record.id === 'number' ? record.id : null;
  if (typeof record.text !== 'string') return invalid(id, `line ${lineNumber}: "text" must be a string`);
  const entities = detect(record.text).map((s) => ({
    type: s.type,
    start: s.start,
    end: s.end,
    score: Math.round(s.score * 1000) / 1000,
  }));
  return { id, entities };
}

function invalid(id: unknown, message: string): DetectLineResult {
  return { id, error: { code: 'invalid_input', message } };
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

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
  // Lines are answered in batches: detectAll runs each detection stage over the whole batch (faster), and
  // the output stays one line per input line, in order.
  let pending: { line: string; number: number }[] = [];
  const flush = async (): Promise<void> => {
    const texts = new Map<number, string>();
    const results = pending.map(({ line, number }) =>
      detectLine(line, number, (text) => {
        texts.set(number, text);
        return [];
      }),
    );
    const numbers = [...texts.keys()];
    const spans = detector.detectAll(numbers.map((n) => texts.get(n) ?? ''));
    const spansByLine = new Map(numbers.map((n, i) => [n, spans[i] ?? []]));
    for (const [i, result] of results.entries()) {
      const number = pending[i]?.number ?? 0;
      const found = spansByLine.get(number);
      const out =
        'error' in result || found === undefined ? result : { id: result.id, entities: publicSpans(found) };
      if ('error' in out) failed++;
      await write(io.stdout, `${JSON.stringify(out)}\n`);
    }
    pending = [];
  };
  for await (const line of lines) {
    if (signal.aborted) throw new GatewayError('cancelled', 'detect cancelled');
    lineNumber++;
    if (line.trim() === '') continue;
    pending.push({ line, number: lineNumber });
    if (pending.length >= BATCH_LINES) await flush();
  }
  await flush();
  if (failed > 0)
    say(io, `detect: ${failed} of ${lineNumber} line(s) were not valid input (see their error lines)`);
  return EXIT_OK;
}

type DetectLineResult =
  | { readonly id: unknown; readonly entities: readonly PublicSpan[] }
  | { readonly id: unknown; readonly error: { readonly code: 'invalid_input'; readonly message: string } };

export interface PublicSpan {
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
  return { id, entities: publicSpans(detect(record.text)) };
}

/** Lines answered together (detectAll's batch size). */
const BATCH_LINES = 64;

/** Spans as `lookalike detect` and POST /v1/detect give them: type, offsets, score — never the text. */
export function publicSpans(spans: readonly TextSpan[]): PublicSpan[] {
  return spans.map((s) => ({
    type: s.type,
    start: s.start,
    end: s.end,
    score: Math.round(s.score * 1000) / 1000,
  }));
}

function invalid(id: unknown, message: string): DetectLineResult {
  return { id, error: { code: 'invalid_input', message } };
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

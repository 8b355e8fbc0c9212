import type { EntityCatalogue } from './catalogue/index.js';
import type { EntityId, TextSpan } from './detection-types.js';
import { keepBestSpans } from './keep-free-spans.js';
import { certainInText, findPatternSpans, findPatternSpansAll } from './patterns/index.js';
import type { KnownEntityIndex, TextDetectors } from './text/index.js';

/** The score a span needs to be acted on; chosen on the detection benchmark (bench/detection/text). */
export const DEFAULT_TEXT_THRESHOLD = 0.5;

export interface TextDetectorOptions {
  /** Spans scoring below this are not reported (default `DEFAULT_TEXT_THRESHOLD`). */
  readonly threshold?: number;
  /** Values of the source's personal columns, recognised verbatim in text (keyed hashes only). */
  readonly knownEntities?: KnownEntityIndex;
}

export interface TextDetector {
  /** Personal spans of `text`, in order, not overlapping. */
  detect(text: string): TextSpan[];
  /**
   * `detect` of each input, same spans. Faster on many short texts: each stage runs over a batch of texts
   * before the next stage starts, so its regexes and lexicons stay in the CPU caches (~20% measured).
   */
  detectAll(inputs: readonly string[]): TextSpan[][];
  /**
   * A test of values of `type` that this detector's patterns report wherever they stand in a text as a
   * token of their own, whatever surrounds them (see certainInText); undefined when none can be that
   * certain. A source value it accepts needs no place in the known-entity index to be found in text.
   */
  certainOf(type: EntityId): ((value: string) => boolean) | undefined;
}

/** Texts per stage round in `detectAll`: enough to keep a stage's working set warm, small enough to stay young. */
const BATCH = 64;

/**
 * Free-text detection: the catalogue's patterns with validators and context, names/places/organisations
 * from the lexicons with NLP on candidate spans only, and the source's own known values. Overlapping
 * spans go to the higher score, then the longer span (an email beats the name inside it).
 */
export function createTextDetector(
  catalogue: EntityCatalogue,
  text: TextDetectors,
  options: TextDetectorOptions = {},
): TextDetector {
  const threshold = options.threshold ?? DEFAULT_TEXT_THRESHOLD;
  const known = options.knownEntities;
  // The text passes own people, places and organisations (titles, greetings, street lines, postal codes,
  // legal forms): the catalogue's regexes for those kinds would only repeat them, at a fifth of the scan cost.
  const entities = catalogue.ids.filter((id) => !text.kinds.has(id));
  /** `detect` of each text of a batch of short texts ('' for none): each stage over the batch in turn. */
  const detectBatch = (batch: readonly string[]): TextSpan[][] => {
    const passes = batch.map((t) => (t.length === 0 ? [] : text.findTextEntitySpans(t)));
    // People found by the passes let a number right after a name count as theirs.
    const patterns = findPatternSpansAll(batch, catalogue, { entities, neighbours: passes });
    const knownSpans = batch.map((t) => (known === undefined || t.length === 0 ? [] : known.find(t)));
    return batch.map((t, i) =>
      t.length === 0 ? [] : combine(t, threshold, patterns[i] ?? [], passes[i] ?? [], knownSpans[i] ?? []),
    );
  };
  const detectOne = (input: string): TextSpan[] => {
    if (input.length === 0) return [];
    const passes = text.findTextEntitySpans(input);
    return combine(
      input,
      threshold,
      findPatternSpans(input, catalogue, { entities, neighbours: passes }),
      passes,
      known === undefined ? [] : known.find(input),
    );
  };
  return {
    certainOf: (type) => certainInText(catalogue, entities, threshold, type),
    detect(input: string): TextSpan[] {
      return input.length <= LONG_TEXT ? detectOne(input) : detectInPieces(input, detectBatch);
    },
    detectAll(inputs: readonly string[]): TextSpan[][] {
      const out: TextSpan[][] = [];
      for (let from = 0; from < inputs.length; from += BATCH) {
        // A long document goes through `detect` (in pieces); the batch stages take the short texts.
        const batch = inputs.slice(from, from + BATCH).map((t) => (t.length > LONG_TEXT ? '' : t));
        const found = detectBatch(batch);
        batch.forEach((_, i) => {
          const input = inputs[from + i] ?? '';
          out.push(input.length > LONG_TEXT ? detectInPieces(input, detectBatch) : (found[i] ?? []));
        });
      }
      return out;
    },
  };
}

/** Texts longer than this are detected in pieces. */
const LONG_TEXT = 32_768;
/**
 * A piece's own length, cut at a line break (or a space) near it. With its margins a piece is read as a
 * text of at least 16 KB, so the NLP budget (one call per 16 KB of text) is what the whole text had.
 */
const PIECE = 16_384;
/** Pieces read through the stages together (see `detectAll`). */
const PIECE_BATCH = 8;
/** Text read on either side of a piece: context words, address lines and names that cross its edge. */
const MARGIN = 512;

/**
 * Detection of a long document in pieces of about PIECE characters, each read with MARGIN characters
 * of the text around it: a piece keeps the spans that start inside it, and the best of spans that
 * overlap across an edge wins. Work and memory per piece stay bounded (a 1 MB document read as one
 * text builds one token array, context and span index for all of it and spends its time collecting
 * them), and what decides a span lies within a few lines of it — except the single-case reading (an
 * ALL-CAPS paragraph in mixed text is read as single-case), which is per piece.
 */
function detectInPieces(input: string, detectBatch: (texts: readonly string[]) => TextSpan[][]): TextSpan[] {
  const spans: TextSpan[] = [];
  // Pieces go through the stages PIECE_BATCH at a time, as `detectAll` reads short texts.
  const bounds: { start: number; end: number; from: number }[] = [];
  const pieces: string[] = [];
  const flush = (): void => {
    detectBatch(pieces).forEach((found, k) => {
      const { start, end, from } = bounds[k] as { start: number; end: number; from: number };
      for (const s of found) {
        const at = s.start + from;
        if (at >= start && at < end) spans.push({ ...s, start: at, end: s.end + from });
      }
    });
    bounds.length = 0;
    pieces.length = 0;
  };
  for (let start = 0; start < input.length;) {
    const end = pieceEnd(input, start);
    const from = Math.max(0, start - MARGIN);
    const to = Math.min(input.length, end + MARGIN);
    bounds.push({ start, end, from });
    pieces.push(pieceOf(input, from, to));
    if (pieces.length === PIECE_BATCH) flush();
    start = end;
  }
  if (pieces.length > 0) flush();
  return keepBest(spans, input.length);
}

/**
 * `input.slice(from, to)` as a string of its own. A slice of a long string is a view into it (V8's sliced
 * string), and every `charCodeAt` of the scanners over a view goes through it: the detector read a
 * document's pieces ~9% slower as views than as copies (same pieces, one process, alternating). Joining two
 * halves copies them into one flat string (~17 KB: microseconds); the text is the same.
 */
function pieceOf(input: string, from: number, to: number): string {
  const middle = (from + to) >>> 1;
  return [input.slice(from, middle), input.slice(middle, to)].join('');
}

/** Where the piece starting at `start` ends: after the last line break (else space) before start + PIECE. */
function pieceEnd(input: string, start: number): number {
  const limit = start + PIECE;
  if (limit >= input.length) return input.length;
  const floor = start + PIECE - 4_096;
  const line = input.lastIndexOf('\n', limit);
  if (line >= floor) return line + 1;
  const space = input.lastIndexOf(' ', limit);
  if (space >= floor) return space + 1;
  // No break nearby: cut, but never between the two halves of a surrogate pair.
  const code = input.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit + 1 : limit;
}

/** The spans of every stage at or above the threshold, overlaps resolved. */
function combine(
  input: string,
  threshold: number,
  patterns: readonly TextSpan[],
  passes: readonly TextSpan[],
  known: readonly TextSpan[],
): TextSpan[] {
  const spans: TextSpan[] = [];
  for (const found of [patterns, passes, known])
    for (const s of found) if (s.score >= threshold && s.end > s.start) spans.push(s);
  return keepBest(spans, input.length);
}

/**
 * The best of overlapping spans: higher score, then longer, then earlier. Many spans (a long text's, a long
 * document's pieces') are ranked cluster by cluster (`keepBestSpans`), and never compared pairwise.
 */
function keepBest(spans: readonly TextSpan[], length: number): TextSpan[] {
  if (spans.length <= 1) return [...spans];
  return keepBestSpans(spans, compare, length);
}

function compare(a: TextSpan, b: TextSpan): number {
  return b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

/**
 * Placeholder regexes for the kinds the "recognizers" helper owns (src/detection/patterns), so that the
 * bench can show a combined figure before the lead's combiner exists. Not product code; no validation.
 */
import type { TextSpan } from '../../../src/detection/detection-types.js';

const PATTERNS: readonly [string, RegExp][] = [
  ['EMAIL_ADDRESS', /[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi],
  ['URL', /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/gi],
  ['IBAN_CODE', /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/g],
  ['CREDIT_CARD', /\b(?:\d{4}[ -]?){3}\d{4}\b|\b3[47]\d{13}\b/g],
  ['US_SSN', /\b\d{3}-\d{2}-\d{4}\b/g],
  [
    'IP_ADDRESS',
    /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi,
  ],
  [
    'DATE_TIME',
    /\b\d{4}-\d{2}-\d{2}\b|\b\d{2}[/.]\d{2}[/.]\d{4}\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\b|\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/gi,
  ],
  ['PHONE_NUMBER', /(?<![\w.])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{1,4}\)?){2,5}(?:\s?x\d{1,5})?(?![\w.])/g],
];

export function baselinePatternSpans(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  for (const [type, pattern] of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (type === 'PHONE_NUMBER' && m[0].replace(/\D/g, '').length < 8) continue;
      if (spans.some((s) => s.start < end && s.end > start)) continue;
      spans.push({ type, start, end, score: 0.6, detector: `baseline:${type.toLowerCase()}` });
    }
  }
  return spans;
}

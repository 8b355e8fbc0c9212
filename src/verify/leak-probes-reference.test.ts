import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../test/helpers/mulberry32.js';
import { foldValue, isIdentifierLike, isPhoneShaped, LeakIndex, phoneDigits } from './leak-index.js';
import { indexTextTokens, KIND_BIT, probeText } from './text-probes.js';

// The leak scan's probes were rewritten for speed (no regex or copy per value where the value is plain ASCII,
// one pass over a text's words, a presence bitmap before the fingerprint set). These are the previous,
// regex-based versions, kept as the reference: on generated values and texts both must answer the same.

const REF_SPACES = /\s+/g;
const REF_EXTENSION = /\s*(?:x|ext\.?|extension)\s*\d+\s*$/i;
const REF_NON_DIGITS = /\D+/g;
const REF_DATE_SHAPE = /^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:[ T]\d|\s*$)/;
const REF_WORD = /[\p{L}\p{M}\p{N}]+(?:['’.\-@+_][\p{L}\p{M}\p{N}]+)*/gu;
const REF_EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const REF_PHONE_IN_TEXT = /(?<![\p{L}\p{N}])\+?\(?\d[\d\s().-]{5,20}\d(?![\p{L}\p{N}])/gu;
const REF_GAP = /^\s{1,3}$/;
const REF_EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/u;

function refFoldValue(value: string): string {
  return value.toLowerCase().replace(REF_SPACES, ' ').trim();
}

function refPhoneDigits(value: string): string | null {
  if (REF_DATE_SHAPE.test(value)) return null;
  const digits = value.replace(REF_EXTENSION, '').replace(REF_NON_DIGITS, '');
  return digits.length >= 7 && digits.length <= 15 ? digits.slice(-10) : null;
}

function refIsIdentifierLike(value: string): boolean {
  if (value.length < 6 || value.length > 200 || value.includes(' ')) return false;
  const letters = /\p{L}/u.test(value);
  return (letters && /\d/.test(value)) || (letters && /[._@+-]/.test(value)) || /^\d{9,}$/.test(value);
}

function refProbeText(index: LeakIndex, text: string): number {
  if (text.length < 3) return 0;
  let found = 0;
  let spaces = 0;
  for (let at = text.indexOf(' '); at >= 0 && spaces < 9; at = text.indexOf(' ', at + 1)) spaces++;
  if (text.length <= 254 && spaces <= 8) {
    const whole = refFoldValue(text);
    if (whole.length >= 6 && index.hasFoldedIdentifier(whole)) found |= KIND_BIT.identifier;
    const emailShaped = whole.length >= 6 && whole.length <= 254 && REF_EMAIL_SHAPE.test(whole);
    if (emailShaped && index.hasEmail(whole)) found |= KIND_BIT.email;
    else if (isPhoneShaped(whole) && index.hasPhone(whole)) found |= KIND_BIT.phone;
  }
  if (text.includes('@')) {
    for (const match of text.matchAll(REF_EMAIL_IN_TEXT))
      if (index.hasEmail(match[0])) found |= KIND_BIT.email;
  }
  if (/\d{2}/.test(text)) {
    for (const match of text.matchAll(REF_PHONE_IN_TEXT))
      if (index.hasPhone(match[0])) found |= KIND_BIT.phone;
  }
  const lower = text.toLowerCase();
  const words = [...lower.matchAll(REF_WORD)];
  for (let i = 0; i < words.length; i++) {
    const head = words[i] as RegExpExecArray;
    const word = head[0];
    if (refIsIdentifierLike(word) && index.hasFoldedIdentifier(word)) found |= KIND_BIT.identifier;
    if (!index.startsIndexedPhrase(word)) continue;
    let phrase = word;
    let previous = head;
    for (let n = 1; n < 4 && i + n < words.length; n++) {
      const next = words[i + n] as RegExpExecArray;
      if (!REF_GAP.test(lower.slice(previous.index + previous[0].length, next.index))) break;
      phrase = `${phrase} ${next[0]}`;
      previous = next;
      if (index.hasFoldedName(phrase)) found |= KIND_BIT.name;
      else if (index.hasFoldedIdentifier(phrase)) found |= KIND_BIT.identifier;
    }
  }
  return found;
}

const FIRST = [
  'Mary',
  'José',
  'ann',
  'Zoë',
  'O’Neil',
  "D'Arcy",
  'Li',
  'İlkay',
  'Jean-Luc',
  'BOB',
  'Ümit',
  'Kim',
];
const LAST = [
  'Smith',
  'Lee',
  'Müller',
  'de la Cruz',
  'Nguyen',
  'O’Brien',
  'Øster',
  'Kowalski',
  'ßtraße',
  'Day',
];
const WORDS = [
  'spoke',
  'with',
  'about',
  'ticket',
  'call',
  'back',
  'after',
  '5pm',
  'the',
  'and',
  'réunion',
  'x',
  'ext.',
];
const GLUE = [
  ' ',
  ' ',
  ' ',
  '  ',
  '   ',
  '    ',
  '\t',
  '\n',
  ' \u00a0',
  ', ',
  '. ',
  ' (',
  ') ',
  '; ',
  '-',
  '.',
  '’',
  "'",
  '@',
  '_',
  '+',
  '/',
  '',
];
const PHONES = [
  '+1 415-555-0132',
  '(415) 555-0132',
  '415.555.0132',
  '4155550132',
  '+44 20 7946 0958',
  '0044 20 7946 0958',
  '555-0100 x12',
  '+1 (555) 010-4477 ext. 7',
  '555 010 4477 extension 99',
  '1961-05-23',
  '12/03/1999',
  '12-34',
  '2006-02-15 10:00',
  '+1 ２１２ 555 0199',
  ' 415 555 0132 ',
  '415-555-0132X9',
];
const IDS = [
  'mike.hillyer',
  'jsmith_77',
  'GB82WEST12345698765432',
  '1679091c5a',
  '3636638817',
  'ab3238922',
  '47 MySakila Drive',
  'a1b2c3',
  'über_user1',
  '123456789',
  '12345678',
  'x+y@z',
  'https://example.com/a?b=c',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function caseVariant(random: () => number, value: string): string {
  const r = random();
  return r < 0.2 ? value.toUpperCase() : r < 0.4 ? value.toLowerCase() : value;
}

function token(random: () => number): string {
  const r = random();
  if (r < 0.25) return caseVariant(random, pick(random, FIRST));
  if (r < 0.45) return caseVariant(random, pick(random, LAST));
  if (r < 0.55) return pick(random, PHONES);
  if (r < 0.65) return caseVariant(random, pick(random, IDS));
  if (r < 0.72)
    return `${pick(random, FIRST).toLowerCase()}.${pick(random, LAST).toLowerCase()}@corp.example`;
  if (r < 0.78) return String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 12))));
  return pick(random, WORDS);
}

function text(random: () => number, words: number): string {
  let out = random() < 0.1 ? pick(random, GLUE) : '';
  for (let i = 0; i < words; i++) out += (i > 0 ? pick(random, GLUE) : '') + token(random);
  return random() < 0.1 ? out + pick(random, GLUE) : out;
}

function buildIndex(random: () => number): LeakIndex {
  const index = new LeakIndex({ key: Buffer.from('reference-key-01') });
  for (const first of FIRST)
    for (const last of LAST) if (random() < 0.5) index.addName(`${caseVariant(random, first)} ${last}`);
  for (const phone of PHONES) if (random() < 0.6) index.addPhone(phone);
  for (const id of IDS) if (random() < 0.6) index.addIdentifier(id);
  for (let i = 0; i < 40; i++) index.addEmail(`${pick(random, FIRST)}.${pick(random, LAST)}@corp.example`);
  for (let i = 0; i < 20; i++) indexTextTokens(index, text(random, 6));
  return index;
}

describe('leak probes against their regex-based reference', () => {
  it('fold, phone digits and identifier shape agree on generated values', () => {
    const random = mulberry32(7);
    const values = [
      ...PHONES,
      ...IDS,
      '',
      ' ',
      '  a  ',
      'A\tB',
      'a\u00a0b',
      'x 1',
      'ext 12345',
      '1 2 3 4 5 6 7',
    ];
    for (let i = 0; i < 20_000; i++) values.push(text(random, 1 + Math.floor(random() * 3)));
    const differing = values.filter(
      (value) =>
        foldValue(value) !== refFoldValue(value) ||
        phoneDigits(value) !== refPhoneDigits(value) ||
        isIdentifierLike(value) !== refIsIdentifierLike(value),
    );
    expect(differing).toEqual([]);
  });

  it('probeText finds the same kinds in generated texts, in this thread and in a worker’s copy', () => {
    const random = mulberry32(11);
    const index = buildIndex(random);
    const worker = LeakIndex.fromShared(index.share());
    let hits = 0;
    const differing: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const sample = text(random, 1 + Math.floor(random() * 14));
      const expected = refProbeText(index, sample);
      if (probeText(index, sample) !== expected || probeText(worker, sample) !== expected)
        differing.push(sample);
      if (expected !== 0) hits++;
    }
    expect(differing).toEqual([]);
    // The generator plants enough indexed values for the comparison to cover every kind of find.
    expect(hits).toBeGreaterThan(3000);
  });

  it('the presence bitmap never hides an indexed value, even when nearly full', () => {
    // A small index: its bitmap is as small as it gets, so most bits are set and every path is taken.
    const index = new LeakIndex({ key: Buffer.from('reference-key-02'), maxSlots: 1 << 14 });
    const random = mulberry32(3);
    const emails: string[] = [];
    const phones: string[] = [];
    const names: string[] = [];
    for (let i = 0; i < 3000; i++) {
      emails.push(`user${Math.floor(random() * 1e9)}@corp.example`);
      phones.push(`+1 ${200 + (i % 700)}-555-${String(1000 + i).slice(-4)}`);
      names.push(`${pick(random, FIRST)} ${pick(random, LAST)}${i}`);
    }
    for (let i = 0; i < 3000; i++) {
      index.addEmail(emails[i] as string);
      index.addPhone(phones[i] as string);
      index.addName(names[i] as string);
    }
    const worker = LeakIndex.fromShared(index.share());
    for (const leaks of [index, worker]) {
      let missed = 0;
      for (let i = 0; i < 3000; i++) {
        if (!leaks.hasEmail((emails[i] as string).toUpperCase())) missed++;
        if (!leaks.hasPhone(phones[i] as string)) missed++;
        if (!leaks.hasFoldedName(foldValue(names[i] as string))) missed++;
      }
      expect(missed).toBe(0);
      expect(leaks.hasEmail('nobody@corp.example')).toBe(false);
    }
  });
});

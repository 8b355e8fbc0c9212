import type { TextSpan } from '../detection-types.js';
import { sortSmall } from '../patterns/sort-small.js';
import { NAME_COMMON, NAME_FIRST, NAME_LAST, NAME_PARTICLE } from './name-lexicon.js';
import { type TextContext, textContext } from './text-context.js';
import type { TextResources } from './text-resources.js';
import type { TextToken } from './tokenize-text.js';

/** Legal-form suffixes: a capitalised name followed by one of these is a company. */
const LEGAL_FORMS = [
  'Inc\\.?',
  'Incorporated',
  'LLC',
  'L\\.L\\.C\\.',
  'LLP',
  'Ltd\\.?',
  'Limited',
  'GmbH(?: & Co\\.? KG)?',
  'AG',
  'KG',
  'SE',
  'S\\.A\\.S\\.?',
  'SAS',
  'SARL',
  'S\\.A\\.',
  'SA',
  'B\\.V\\.',
  'BV',
  'N\\.V\\.',
  'NV',
  'S\\.p\\.A\\.',
  'SpA',
  'S\\.r\\.l\\.',
  'Srl',
  'S\\.L\\.',
  'Oy',
  'Oyj',
  'AB',
  'ASA',
  'A/S',
  'ApS',
  'plc',
  'PLC',
  'Corp\\.?',
  'Corporation',
  'Co\\.',
  'Pty\\.? Ltd\\.?',
  'Pte\\.? Ltd\\.?',
  'Ltda\\.?',
  'LTDA',
  'EIRELI',
  'EI',
  'SCA',
  'SNC',
  'SCS',
  'SCOP',
  's\\.r\\.l\\.',
  'S\\.R\\.L\\.',
  'SRL',
  'SPA',
  'S\\.A\\.U\\.',
  'S\\.L\\.U\\.',
  'Hermanos',
  'Asociados',
  'e Filhos',
  'Comércio',
  'Lda\\.?',
  'Kft\\.?',
  'sp\\. z o\\.o\\.',
  'and Sons',
  '& Sons',
];
/** Words that often end an organisation's name without being a legal form: weaker evidence. */
const ORG_WORDS =
  `Group|Holdings?|Partners|Associates|Bank|University|Foundation|Institute|Hospital|Clinic|Labs?|Systems|
Technologies|Solutions|Consulting|Services|Industries|Enterprises|Ventures|Capital|Insurance|Airlines|Motors`.replace(
    /\s+/g,
    '',
  );

const NAME_WORD = "[\\p{Lu}\\d][\\p{L}\\p{M}\\d'’&.\\-]*";
const CONNECTOR = '(?:\\s+(?:&|and|und|et|y|e|of|for|de|-)\\s+|\\s+|,\\s+|\\s?-\\s?)';
const COMPANY = new RegExp(
  `(?<![\\p{L}\\p{N}])${NAME_WORD}(?:${CONNECTOR}${NAME_WORD}){0,4},?\\s+(?:(${LEGAL_FORMS.join('|')})|(${ORG_WORDS}))(?![\\p{L}\\p{N}])`,
  'gu',
);

/**
 * What every COMPANY match holds: a blank character, then a legal form or organisation word ending there
 * (COMPANY reads `\s+` right before its suffix). A gate, not a finder: texts without it cannot match
 * COMPANY. `companyWindows` tries this suffix only where a token starts after a blank.
 */
const SUFFIX_ALTERNATIVES = [...LEGAL_FORMS, ...ORG_WORDS.split('|')];
const SUFFIX_AT = new RegExp(`(?:${SUFFIX_ALTERNATIVES.join('|')})(?![\\p{L}\\p{N}])`, 'uy');

/** 1 at the first character of every suffix: each begins with a literal one (checked here). */
const SUFFIX_FIRST_CHARS = new Uint8Array(65536);
for (const alternative of SUFFIX_ALTERNATIVES) {
  if (/^[\\([.]/.test(alternative))
    throw new Error(`suffix without a literal first character: ${alternative}`);
  SUFFIX_FIRST_CHARS[alternative.charCodeAt(0)] = 1;
}

/**
 * The leading ASCII letters of each suffix ("Inc" of `Inc\.?`, "S" of `S\.A\.`; both "Lab" and "Labs" of
 * `Labs?`). A suffix can start at a token made only of ASCII letters only where the token is one of these:
 * the letters that follow it in the token would have to be the non-letter after the suffix's own letters.
 */
const SUFFIX_FIRST_WORDS: ReadonlySet<string> = new Set(
  SUFFIX_ALTERNATIVES.flatMap((alternative) => {
    const letters = /^[A-Za-z]*/.exec(alternative)?.[0] ?? '';
    return alternative.charAt(letters.length) === '?' ? [letters, letters.slice(0, -1)] : [letters];
  }),
);

function asciiLetters(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** Words that CONNECTOR puts between blanks: a chunk of a match may be one of them. */
const CONNECTOR_WORDS: ReadonlySet<string> = new Set(['and', 'und', 'et', 'y', 'e', 'of', 'for', 'de']);

/** Blanks a COMPANY match can hold before its suffix: two per connector (four), one before the suffix. */
const MOST_BLANKS = 9;

/**
 * Where COMPANY matches can start, as [from, to) pairs (flat), one per suffix after a blank (the gate above);
 * none when no blank is followed by a suffix. Read from the tokens: a blank before a suffix means a token
 * starts there after a gap (the tokeniser leaves only blanks between tokens); a token that begins otherwise
 * than every suffix, or of plain ASCII letters that is no suffix's first word, needs no regex.
 */
function companyWindows(ctx: TextContext): number[] {
  const { tokens, text } = ctx;
  const windows: number[] = [];
  let previousEnd = 0;
  for (let j = 0; j < tokens.length; j++) {
    const token = tokens[j] as TextToken;
    const gap = token.start > previousEnd;
    previousEnd = token.end;
    if (!gap || SUFFIX_FIRST_CHARS[token.text.charCodeAt(0)] !== 1) continue;
    if (asciiLetters(token.text) && !SUFFIX_FIRST_WORDS.has(token.text)) continue;
    SUFFIX_AT.lastIndex = token.start;
    if (SUFFIX_AT.test(text)) windows.push(windowStart(tokens, j), token.start);
  }
  return windows;
}

/**
 * The earliest offset a COMPANY match with its suffix at token `j` can start from. Between its start and its
 * suffix a match holds at most MOST_BLANKS blanks, and every chunk of text between blanks that it holds
 * whole begins a name word (a capital or digit: any non-ASCII unit may be one), "&" or "-", or is a
 * connector word. Reading chunks back from the suffix, the start lies in the first chunk that is not so, or
 * after it.
 */
function windowStart(tokens: readonly TextToken[], j: number): number {
  let from = tokens[j]?.start ?? 0;
  let k = j - 1;
  for (let blanks = 1; blanks <= MOST_BLANKS && k >= 0; blanks++) {
    // The chunk ending at token k: tokens back to a gap.
    let first = k;
    while (first > 0 && (tokens[first] as TextToken).start === (tokens[first - 1] as TextToken).end) first--;
    const head = tokens[first] as TextToken;
    from = head.start;
    const c = head.text.charCodeAt(0);
    const nameLike =
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c >= 0x80 ||
      c === 38 ||
      c === 45 ||
      (first === k && CONNECTOR_WORDS.has(head.text));
    if (!nameLike) break;
    k = first - 1;
  }
  return from;
}

/** COMPANY tried only where a match can start (see `companyMatches`). */
const COMPANY_AT = new RegExp(COMPANY.source, 'uy');

/**
 * The matches of COMPANY, as `matchAll` gives them, tried only where one can start: inside the windows
 * of `companyWindows` (disjoint, in text order), at an ASCII capital or digit, or a non-ASCII capital (any
 * unit above 0x7f but a low surrogate, where a scan in code points never starts), not after an ASCII
 * letter or digit (its lookbehind). Trying those positions in order from the end of the last match finds
 * the matches a global scan finds.
 */
function companyMatches(text: string, windows: readonly number[]): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let p = 0;
  for (let w = 0; w < windows.length; w += 2) {
    const to = windows[w + 1] ?? 0;
    for (p = Math.max(p, windows[w] ?? 0); p < to; p++) {
      const c = text.charCodeAt(p);
      if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c >= 0x80 && !(c >= 0xdc00 && c <= 0xdfff))))
        continue;
      const b = p > 0 ? text.charCodeAt(p - 1) : 32;
      if ((b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57)) continue;
      COMPANY_AT.lastIndex = p;
      const m = COMPANY_AT.exec(text);
      if (m === null) continue;
      out.push(m);
      // The next search starts where this match ends (the loop's p++ is undone).
      p = m.index + m[0].length - 1;
    }
  }
  return out;
}

/** Windows ([from, to) pairs, flat) as disjoint pairs in text order: their union, for `companyMatches`. */
function mergedWindows(windows: readonly number[]): number[] {
  if (windows.length <= 2) return [...windows];
  const pairs: [number, number][] = [];
  for (let w = 0; w < windows.length; w += 2) pairs.push([windows[w] ?? 0, windows[w + 1] ?? 0]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of pairs) {
    const last = out.length - 1;
    if (last > 0 && from <= (out[last] ?? 0)) out[last] = Math.max(out[last] ?? 0, to);
    else out.push(from, to);
  }
  return out;
}

/** Names of people or places that precede a suffix are still part of the company: "Smith, Jones and Brown LLC". */
function trimLeadingCommon(ctx: TextContext, start: number, end: number): number {
  // Drop leading everyday words ("Contact Acme Inc" → "Acme Inc"); stop at the first uncommon word.
  const { tokens } = ctx;
  // Binary search for the first token of the match: a scan from 0 per match is quadratic on long texts.
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tokens[mid]?.end ?? 0) <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || t.end <= start) continue;
    if (t.start >= end) break;
    if (
      t.kind === 'word' &&
      ctx.resources.names.isCommonWord(ctx.folded(i)) &&
      !/^(?:and|&)$/i.test(t.text)
    ) {
      start = tokens[i + 1]?.start ?? start;
      continue;
    }
    if (t.kind === 'punct' && t.start === start) {
      start = tokens[i + 1]?.start ?? start;
      continue;
    }
    break;
  }
  return start;
}

const CONJUNCTIONS = new Set(['and', 'und', 'et', 'e', 'y', '&']);

/** A folded word of CONJUNCTIONS (none is longer than three units: longer words need no lookup). */
function isConjunction(folded: string): boolean {
  return folded.length <= 3 && CONJUNCTIONS.has(folded);
}

/** Token `i` is a capitalised known surname (parts of a hyphenated one all are), not an everyday word. */
function isSurname(ctx: TextContext, i: number): boolean {
  const t = ctx.tokens[i];
  if (t?.kind !== 'word' || t.shape === 'lower') return false;
  const flags = ctx.nameFlags(i);
  if ((flags & NAME_COMMON) !== 0) return false;
  const f = ctx.folded(i);
  if (!f.includes('-')) return (flags & NAME_LAST) !== 0 || f.startsWith("o'");
  const { names } = ctx.resources;
  return f.split('-').every((p) => names.isLastName(p) || p.startsWith("o'"));
}

/** A surname at token `i`, possibly two-word with a particle ("van Dijk", "de Jonge"): its last token, or -1. */
function surnamePart(ctx: TextContext, i: number): number {
  const { tokens } = ctx;
  const t = tokens[i];
  if (t === undefined) return -1;
  if (t.shape === 'lower' && (ctx.nameFlags(i) & NAME_PARTICLE) !== 0) {
    let k = i + 1;
    if (tokens[k]?.shape === 'lower' && (ctx.nameFlags(k) & NAME_PARTICLE) !== 0) k++;
    return isSurname(ctx, k) ? k : -1;
  }
  return isSurname(ctx, i) ? i : -1;
}

/** Token `k + 1` can join a firm's part ending at token `k` to the next: as `surnameFirms` reads separators. */
function separatorAfter(ctx: TextContext, k: number): boolean {
  const sep = ctx.tokens[k + 1];
  if (sep === undefined) return false;
  if (sep.text === ',') return sep.start === ctx.tokens[k]?.end;
  if (!sep.spaceBefore) return false;
  return sep.text === '-' || isConjunction(ctx.folded(k + 1));
}

/**
 * Partnership names made of surnames: "Kerluke, Anderson and Kertzmann", "Abel, Henkel und Gromisch",
 * "Keeling - Gutmann", "Carre et Girard". Every part must be a known surname (people's first names in a
 * list, "Marie et Pierre", are people, not a firm).
 */
function surnameFirms(ctx: TextContext, spans: TextSpan[]): void {
  const { tokens } = ctx;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // A firm's first part ends at token i (i + 1 or i + 2 after a particle) and a separator follows it:
    // most tokens are followed by none, and are done before any name lookup.
    if (t === undefined) continue;
    if (t.shape === 'lower') {
      // In lower case only a particle begins a surname ("van Dijk", see surnamePart): the word's flags are
      // looked up once for every pass, and answer before the two separators are read.
      if ((ctx.nameFlags(i) & NAME_PARTICLE) === 0) continue;
      if (!separatorAfter(ctx, i + 1) && !separatorAfter(ctx, i + 2)) continue;
    } else if (!separatorAfter(ctx, i)) continue;
    const firstEnd = surnamePart(ctx, i);
    if (firstEnd < 0) continue;
    const start = tokens[i]?.start ?? 0;
    let k = firstEnd;
    let parts = 1;
    let commas = 0;
    let closed = false;
    let dash = false;
    while (parts < 5) {
      const sep = tokens[k + 1];
      if (sep === undefined) break;
      let next = -1;
      if (sep.text === ',' && sep.start === tokens[k]?.end) {
        next = surnamePart(ctx, k + 2);
        if (next >= 0) commas++;
      } else if (sep.text === '-' && sep.spaceBefore && parts === 1) {
        next = surnamePart(ctx, k + 2);
        dash = next >= 0;
      } else if (sep.spaceBefore && isConjunction(ctx.folded(k + 1))) {
        next = surnamePart(ctx, k + 2);
        if (next >= 0) closed = true;
      }
      if (next < 0) break;
      k = next;
      parts++;
      if (closed || dash) break;
    }
    const firmLike = dash || (closed && (commas >= 1 || parts === 2));
    if (!firmLike || parts < 2) continue;
    // Two given names joined by "and" are two people ("Anna and Maria"): both must not be first names.
    if (!dash && commas === 0) {
      if ((ctx.nameFlags(i) & NAME_FIRST) !== 0 || (ctx.nameFlags(k) & NAME_FIRST) !== 0) continue;
    }
    const end = tokens[k]?.end ?? start;
    spans.push({
      type: 'ORGANIZATION',
      start,
      end,
      score: commas >= 1 || dash ? 0.75 : 0.6,
      detector: 'org_surnames',
    });
    i = k;
  }
}

export function organizationSpansOf(ctx: TextContext): TextSpan[] {
  const spans: TextSpan[] = [];
  // The company pattern is only worth running where a legal form or an organisation word follows a blank.
  const windows = companyWindows(ctx);
  const matches = windows.length === 0 ? [] : companyMatches(ctx.text, mergedWindows(windows));
  for (const match of matches) {
    const end = match.index + match[0].length;
    const start = trimLeadingCommon(ctx, match.index, end);
    const suffixStart = end - (match[1] ?? match[2] ?? '').length;
    if (start >= suffixStart) continue;
    spans.push({
      type: 'ORGANIZATION',
      start,
      end,
      score: match[1] !== undefined ? 0.75 : 0.55,
      detector: 'org_suffix',
    });
  }
  const firms: TextSpan[] = [];
  surnameFirms(ctx, firms);
  for (const firm of firms) {
    const inside = spans.findIndex((s) => s.start < firm.end && s.end > firm.start);
    if (inside < 0) spans.push(firm);
    else {
      // "Scopece, Morrone e Ferroni SPA": the firm's names join its legal form.
      const other = spans[inside];
      if (other !== undefined && firm.start < other.start)
        spans[inside] = { ...other, start: firm.start, end: Math.max(other.end, firm.end) };
    }
  }
  return sortSmall(spans, (a, b) => a.start - b.start);
}

/** Companies by legal-form suffix ("Acme GmbH", "Rossi S.p.A.") and, on candidate sentences, by NLP. */
export function findOrganizationSpans(text: string, resources: TextResources): TextSpan[] {
  return organizationSpansOf(textContext(text, resources));
}

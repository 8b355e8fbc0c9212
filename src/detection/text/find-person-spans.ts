import type { TextSpan } from '../detection-types.js';
import { sortSmall } from '../patterns/sort-small.js';
import { NAME_COMMON, NAME_FIRST, NAME_LAST, NAME_PARTICLE } from './name-lexicon.js';
import { PLACE_CITY, PLACE_COUNTRY, PLACE_STATE } from './place-gazetteer.js';
import { type TextContext, textContext } from './text-context.js';
import type { TextResources } from './text-resources.js';
import { type TextToken, unitClass } from './tokenize-text.js';

/** Titles before a name: the name that follows needs no lexicon hit. Folded, without the dot. */
const TITLES = new Set(
  `mr mrs ms miss mx dr prof herr frau mme mlle sr sra srta sig sigra dott dottssa don dona sir madame
  monsieur senor senora signor signora pan pani dhr mevr`.split(/\s+/),
);

/** Words and phrases after which a name is expected (greetings, signatures, roles). Folded. */
const CONTEXT_PHRASES = new Set(
  `dear;hi;hello;hey;dearest;name is;named;my name is;i am;i'm;this is;signed;signed by;regards;kind regards;
  best regards;sincerely;thanks;thank you;cheers;best;attn;attention;customer;client;patient;employee;user;
  contact;tenant;applicant;candidate;recipient;sender;driver;agent;colleague;manager;supervisor;nurse;doctor;
  physician;spoke with;spoke to;talked to;assigned to;cc;name;full name;contact name;customer name;
  patient name;nombre;nom;cliente;paciente;kunde;kundin;hallo;bonjour;hola;ciao;estimado;estimada;cher;chere;
  caro;cara;beste;sehr geehrter;sehr geehrte;geehrte;geehrter`
    .split(';')
    .map((phrase) => phrase.trim()),
);

/** Legal forms end a company's name, not a person's: "Müller GmbH". */
const LEGAL_FORM_WORDS = new Set(
  'gmbh ag kg llc llp inc ltd plc corp sa sas sarl spa srl bv nv oy oyj ab asa aps co'.split(' '),
);

/** Context phrases (folded) that let lower-case words be a name: "my name is maria garcia". */
const LOWERCASE_CONTEXT = new Set([
  'name is',
  'my name is',
  'i am',
  "i'm",
  'this is',
  'dear',
  'name',
  'signed by',
  'patient',
  'customer',
  'hello',
  'hi',
  'hey',
  'recipient',
  'employee',
  'contact',
]);

/** Single role and greeting words of CONTEXT_PHRASES: they announce a name but are never part of it. */
const ROLE_WORDS = new Set([...CONTEXT_PHRASES].filter((p) => !p.includes(' ')));

// Phrases are matched on up to three folded words before the candidate.
function contextBefore(ctx: TextContext, first: number): 'title' | 'context' | null {
  // The words read so far joined by spaces, built as they are read (no array, no join per word).
  let phrase = '';
  let words = 0;
  let i = first - 1;
  while (i >= 0 && words < 3) {
    const token = ctx.tokens[i];
    if (token === undefined) break;
    if (token.kind === 'punct') {
      if (token.text.length !== 1 || !isContextPunct(token.text.charCodeAt(0))) break;
      i--;
      continue;
    }
    if (token.kind === 'number') break;
    const word = ctx.folded(i);
    phrase = words === 0 ? word : `${word} ${phrase}`;
    words++;
    if (words === 1 && TITLES.has(word)) return 'title';
    if (CONTEXT_PHRASES.has(phrase)) return 'context';
    i--;
  }
  return null;
}

function contextWordsBefore(ctx: TextContext, first: number): string[] {
  const words: string[] = [];
  for (let i = first - 1; i >= 0 && words.length < 3; i--) {
    const token = ctx.tokens[i];
    if (token === undefined || token.kind === 'number') break;
    if (token.kind === 'punct') {
      if (token.text === ',' || token.text === ':') continue;
      break;
    }
    words.unshift(ctx.folded(i));
  }
  return words;
}

/** Punctuation that may stand between a name and the words that announce it. */
const isContextPunct = unitClass(/[.,:;\-—–]/);
// Per code unit, without a regex call (these run on every capitalised word).
const isOpener = unitClass(/[\s"'([{<«“‘,;:/]/);
const isCloser = unitClass(/[\s,;:!?)\]}>"'»”’]/);
const isCloserAfterDot = unitClass(/[\s"'»”’)]/);

/** The token stands alone (not inside an email, a URL, a path or a dotted identifier). */
function freeStanding(text: string, token: TextToken): boolean {
  const before = token.start === 0 ? 32 : text.charCodeAt(token.start - 1);
  if (!isOpener(before)) return false;
  // "/" or ":" right before (a path, a URL), unless ": " with a space before the colon.
  if (before === 47 || (before === 58 && text.charCodeAt(token.start - 2) !== 32 && token.start > 1))
    return false;
  if (token.end === text.length) return true;
  const after = text.charCodeAt(token.end);
  if (after === 46) {
    // "." at the end of the text, or followed by a blank, a quote or a bracket.
    const next = text.charCodeAt(token.end + 1);
    return Number.isNaN(next) || isCloserAfterDot(next);
  }
  return isCloser(after);
}

interface Range {
  readonly start: number;
  readonly end: number;
}

type Kind = 'strong' | 'weak' | 'unknown' | 'common' | 'initial' | 'particle' | 'other';

interface Word {
  readonly index: number;
  readonly kind: Kind;
  readonly first: boolean;
  readonly last: boolean;
  /** Offset after the word, including the dot of an initial. */
  readonly end: number;
}

const SURNAME_PREFIX = /^(?:[OoDd]['’]\p{L}{2,}|Ma?c\p{Lu}\p{L}+)$/u;

/** SURNAME_PREFIX, asked only of words beginning with one of its first letters (O, o, D, d, M). */
function surnamePrefixed(word: string): boolean {
  const c = word.charCodeAt(0);
  return (c === 79 || c === 111 || c === 68 || c === 100 || c === 77) && SURNAME_PREFIX.test(word);
}

function classify(ctx: TextContext, i: number, lowercaseAllowed: boolean): Word | null {
  const token = ctx.tokens[i];
  if (token === undefined || token.kind !== 'word') return null;
  if (!freeStanding(ctx.text, token) && !(token.text.length === 1 && ctx.text.charAt(token.end) === '.'))
    return null;
  const { names } = ctx.resources;
  const flags = ctx.nameFlags(i);
  if (token.shape === 'lower' && (flags & NAME_PARTICLE) !== 0)
    return { index: i, kind: 'particle', first: false, last: false, end: token.end };
  if (token.shape === 'lower' && !lowercaseAllowed) return null;
  if (token.text.length === 1) {
    if (token.shape !== 'capital') return null;
    const dot = ctx.tokens[i + 1];
    const hasDot =
      dot?.text === '.' && dot.start === token.end && /^(?:\s|$)/.test(ctx.text.slice(dot.end, dot.end + 1));
    // "J. Smith", "John F Kennedy"; never the pronoun "I" or the article "A" without a dot.
    const next = ctx.tokens[i + (hasDot ? 2 : 1)];
    const nameFollows =
      next?.kind === 'word' && next.shape !== 'lower' && next.spaceBefore && next.text.length > 1;
    if (!nameFollows || (!hasDot && /^[IA]$/.test(token.text))) return null;
    return { index: i, kind: 'initial', first: false, last: false, end: hasDot ? token.end + 1 : token.end };
  }
  const folded = ctx.folded(i);
  const listed = LISTED_WORDS.get(folded) ?? 0;
  if ((listed & LISTED_LEGAL_FORM) !== 0) return null;
  // "The Jordan river project": an article or pronoun capitalised at a sentence's start is no part of a
  // name, even where some locale's name list holds it (a run splits at it, as at any everyday word).
  if ((listed & LISTED_FUNCTION) !== 0)
    return { index: i, kind: 'common', first: false, last: false, end: token.end };
  if ((flags & NAME_PARTICLE) !== 0) {
    const named = (flags & (NAME_FIRST | NAME_LAST)) !== 0;
    // Capitalised particles ("Van", "De") and the Vietnamese middle name "Văn" join a run around them.
    return { index: i, kind: named ? 'weak' : 'particle', first: named, last: false, end: token.end };
  }
  let first = (flags & NAME_FIRST) !== 0;
  let last = (flags & NAME_LAST) !== 0;
  if (!first && !last && folded.includes('-')) {
    const parts = folded.split('-');
    first = parts.some((p) => names.isFirstName(p));
    last = parts.some((p) => names.isLastName(p));
  }
  if (!first && !last && surnamePrefixed(token.text)) last = true;
  const common = (flags & NAME_COMMON) !== 0 || (listed & (LISTED_TITLE | LISTED_ROLE)) !== 0;
  const kind: Kind = first || last ? (common ? 'weak' : 'strong') : common ? 'common' : 'unknown';
  return { index: i, kind, first, last, end: token.end };
}

/**
 * Articles, demonstratives, possessives, personal pronouns, conjunctions and prepositions of English: never
 * part of a person's name. Left out on purpose: words that are also given names or surnames somewhere
 * (Will, May, An, Her, Do), and particles (de, van, la), which are handled as particles.
 */
const FUNCTION_WORDS = new Set(
  `the a this that these those my your his its our their we you he she it they them him us and or but nor
  of on at to for with by from into onto upon about`.split(/\s+/),
);

/** Bits of LISTED_WORDS: the word lists `classify` asks of a capitalised word, in one lookup. */
const LISTED_LEGAL_FORM = 1;
const LISTED_FUNCTION = 2;
const LISTED_TITLE = 4;
const LISTED_ROLE = 8;

const LISTED_WORDS: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  const add = (words: ReadonlySet<string>, bit: number): void => {
    for (const word of words) map.set(word, (map.get(word) ?? 0) | bit);
  };
  add(LEGAL_FORM_WORDS, LISTED_LEGAL_FORM);
  add(FUNCTION_WORDS, LISTED_FUNCTION);
  add(TITLES, LISTED_TITLE);
  add(ROLE_WORDS, LISTED_ROLE);
  return map;
})();

/** Runs of name-shaped words separated only by spaces, split at everyday words that are not names. */
function candidateRuns(ctx: TextContext): Word[][] {
  const runs: Word[][] = [];
  let run: Word[] = [];
  for (let i = 0; i < ctx.tokens.length; i++) {
    const token = ctx.tokens[i];
    if (token === undefined) continue;
    const word = token.kind === 'word' && token.shape !== 'lower' ? classify(ctx, i, false) : null;
    const joined = run.length > 0 && (token.spaceBefore || ctx.tokens[i - 1]?.text === '.');
    // A lower-case particle matters only inside an open run it joins: elsewhere it is not looked up.
    const particle =
      joined && token.kind === 'word' && token.shape === 'lower' ? classify(ctx, i, false) : null;
    if (word !== null && word.kind !== 'common' && word.kind !== 'other') {
      if (!joined) run = closeRun(run, runs);
      run.push(word);
      if (word.kind === 'initial' && word.end > token.end) i++;
    } else if (particle?.kind === 'particle' && run.length > 0 && joined) {
      run.push(particle);
    } else {
      run = closeRun(run, runs);
    }
  }
  closeRun(run, runs);
  return runs;
}

/** Ends a run: particles at either end are dropped, what is left joins `runs`; returns a new empty run. */
function closeRun(run: Word[], runs: Word[][]): Word[] {
  while (run.length > 0 && run[run.length - 1]?.kind === 'particle') run.pop();
  while (run.length > 0 && run[0]?.kind === 'particle') run.shift();
  if (run.length > 0) runs.push(run);
  return run.length > 0 ? [] : run;
}

function isPlace(ctx: TextContext, run: readonly Word[]): boolean {
  const phrase = run.map((w) => ctx.folded(w.index)).join(' ');
  return (ctx.resources.places.lookup(phrase) & (PLACE_CITY | PLACE_STATE | PLACE_COUNTRY)) !== 0;
}

/** Score of a run as a person's name, or 0; `null` when only the NLP pass can decide. */
function scoreRun(
  ctx: TextContext,
  run: readonly Word[],
  context: 'title' | 'context' | null,
): number | null {
  const words = run.filter((w) => w.kind !== 'particle');
  const upper = words.every((w) => ctx.tokens[w.index]?.shape === 'upper' || w.kind === 'initial');
  let strong = 0;
  let weak = 0;
  let unknown = 0;
  let initials = 0;
  for (const w of words) {
    if (w.kind === 'strong') strong++;
    else if (w.kind === 'weak') weak++;
    else if (w.kind === 'unknown') unknown++;
    else if (w.kind === 'initial') initials++;
  }
  const hasFirst = words.some((w) => w.first);
  const hasLast = words.some((w) => w.last);
  if (words.length === 0 || words.length > 6 || initials === words.length) return 0;
  if (words.length > 4 && context === null) return 0;
  if (context === 'title') return 0.9;
  if (words.length >= 2) {
    if (strong >= 1 && strong + weak + initials >= 2) return hasFirst && hasLast ? 0.92 : 0.82;
    if (strong >= 1 && unknown >= 1) return upper ? 0.6 : 0.72;
    if (initials >= 1 && (strong >= 1 || weak >= 1)) return hasLast ? 0.8 : 0.6;
    if (context === 'context') return 0.8;
    if (upper) return 0;
    return weak + unknown + initials === words.length ? null : 0;
  }
  const only = words[0];
  if (only === undefined) return 0;
  if (context === 'context') return only.kind === 'unknown' ? 0.65 : 0.85;
  if (only.kind !== 'strong' || upper) return only.kind === 'unknown' && !upper ? null : 0;
  if (isPlace(ctx, run)) return 0.3;
  return only.first ? 0.55 : 0.4;
}

/** The last one, two or three of `before` are a phrase of LOWERCASE_CONTEXT (no slice per length tried). */
function announcedBefore(before: readonly string[]): boolean {
  const n = before.length;
  if (n === 0) return false;
  let phrase = before[n - 1] as string;
  if (LOWERCASE_CONTEXT.has(phrase)) return true;
  for (let k = 2; k <= 3 && k <= n; k++) {
    phrase = `${before[n - k] as string} ${phrase}`;
    if (LOWERCASE_CONTEXT.has(phrase)) return true;
  }
  return false;
}

/** Lower-case names after a phrase that announces one: "my name is maria garcia". */
function lowercaseNames(ctx: TextContext, spans: TextSpan[]): void {
  const NAMED = NAME_FIRST | NAME_LAST;
  for (let i = 0; i < ctx.tokens.length; i++) {
    const token = ctx.tokens[i];
    if (token?.kind !== 'word' || token.shape !== 'lower') continue;
    const flags = ctx.nameFlags(i);
    if ((flags & NAMED) === 0) continue;
    if (!freeStanding(ctx.text, token)) continue;
    let j = i;
    while (j + 1 < ctx.tokens.length && j - i < 3) {
      const next = ctx.tokens[j + 1];
      if (next?.kind !== 'word' || next.shape !== 'lower' || !next.spaceBefore) break;
      const f = ctx.nameFlags(j + 1);
      if ((f & (NAMED | NAME_PARTICLE)) === 0) break;
      if ((f & NAME_COMMON) !== 0 && (f & NAME_PARTICLE) === 0) break;
      j++;
    }
    while (j > i && (ctx.nameFlags(j) & NAME_PARTICLE) !== 0) j--;
    const common = (flags & NAME_COMMON) !== 0;
    // An everyday word ("to", "may") alone does not start a name, announced or not: no need to read
    // the words before it (most lower-case words with a name flag are such words).
    if (common && j === i) continue;
    const announced = announcedBefore(contextWordsBefore(ctx, i));
    // An everyday word ("to", "may") does not start a name: look again from the next word.
    if (common && !announced) continue;
    const end = ctx.tokens[j]?.end ?? token.end;
    if (announced) {
      spans.push({ type: 'PERSON', start: token.start, end, score: 0.8, detector: 'lexicon' });
    } else if (
      !announced &&
      j > i &&
      !common &&
      (flags & NAME_FIRST) !== 0 &&
      (ctx.nameFlags(j) & NAME_LAST) !== 0
    ) {
      spans.push({ type: 'PERSON', start: token.start, end, score: 0.5, detector: 'lexicon' });
    }
    i = j;
  }
}

/**
 * Up to this many claimed ranges, overlaps are tested pairwise: no per-text array (a typed array of a short
 * text's length costs more to allocate than the few comparisons).
 */
const PAIRWISE_CLAIMS = 16;

/**
 * Whether [start, end) touches a claimed character: a character of `claimed` clipped to [0, limit), as one
 * mark per character would say (`mask`, for many ranges: overlap tests stay linear on long documents).
 */
function isClaimed(
  claimed: readonly Range[],
  mask: Uint8Array | undefined,
  limit: number,
  start: number,
  end: number,
): boolean {
  if (mask !== undefined) {
    for (let c = start; c < end; c++) if (mask[c] === 1) return true;
    return false;
  }
  for (const r of claimed) {
    if (Math.max(0, r.start, start) < Math.min(limit, r.end, end)) return true;
  }
  return false;
}

/**
 * Person spans of the text. `claimed` ranges (streets, towns, companies already found by their structure)
 * are not read as names: a run that touches one is dropped.
 */
export function personSpansOf(ctx: TextContext, claimed: readonly Range[] = []): TextSpan[] {
  const spans: TextSpan[] = [];
  const limit = ctx.text.length + 1;
  let mask: Uint8Array | undefined;
  if (claimed.length > PAIRWISE_CLAIMS) {
    mask = new Uint8Array(limit);
    for (const c of claimed) mask.fill(1, Math.max(0, c.start), Math.min(limit, c.end));
  }
  for (const run of candidateRuns(ctx)) {
    const head = run[0];
    const tail = run[run.length - 1];
    if (head === undefined || tail === undefined) continue;
    const runStart = ctx.tokens[head.index]?.start ?? 0;
    const runEnd = tail.end;
    if (claimed.length > 0 && isClaimed(claimed, mask, limit, runStart, runEnd)) continue;
    const context = contextBefore(ctx, head.index);
    const start = ctx.tokens[head.index]?.start ?? 0;
    const end = tail.kind === 'initial' ? (ctx.tokens[tail.index]?.end ?? tail.end) : tail.end;
    const score = scoreRun(ctx, run, context);
    if (score === null) {
      // Unknown capitalised words: ask the NLP library about this sentence only.
      const person = ctx
        .nerAround(start, end)
        .find((f) => f.type === 'PERSON' && f.start < end && f.end > start);
      if (person !== undefined) spans.push({ type: 'PERSON', start, end, score: 0.65, detector: 'ner' });
      continue;
    }
    if (score > 0) {
      const detector = context === 'title' ? 'title' : context === 'context' ? 'context' : 'lexicon';
      spans.push({ type: 'PERSON', start, end, score, detector });
    }
  }
  lowercaseNames(ctx, spans);
  if (claimed.length > 0) {
    const free = spans.filter((s) => !isClaimed(claimed, mask, limit, s.start, s.end));
    return sortSmall(free, (a, b) => a.start - b.start);
  }
  return sortSmall(spans, (a, b) => a.start - b.start);
}

/** Person names in free text: lexicon, titles, greetings and signatures, then NLP on unknown candidates. */
export function findPersonSpans(text: string, resources: TextResources): TextSpan[] {
  return personSpansOf(textContext(text, resources));
}

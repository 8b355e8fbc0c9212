import type { Clause, ClauseOp } from './condition-grammar.js';

/**
 * A CHECK constraint of the source, as the model keeps it: its name, the columns it reads and its
 * definition as PostgreSQL prints it (`pg_get_constraintdef`: expressions, names and the constants the
 * schema itself holds — never row values).
 */
export interface CheckModel {
  readonly name: string;
  readonly columns: readonly string[];
  readonly definition: string;
  /**
   * Set for a CHECK of the column's domain (`schema.name`): `columns` is that one column, and `VALUE` in the
   * definition stands for it. Absent for a table's own CHECK (and in older model files).
   */
  readonly domain?: string;
}

/** How messages name a CHECK: its name, and its domain when it is a domain's. */
export function checkLabel(check: Pick<CheckModel, 'name' | 'domain'>): string {
  return check.domain === undefined ? check.name : `${check.name} of domain ${check.domain}`;
}

/**
 * What a CHECK constraint says in the condition grammar: one clause per conjunct that compares one
 * column with constants (`x <= 9.99`, `x = ANY (ARRAY[…])` / `x IN (…)`, `x <> ALL (ARRAY[…])`,
 * `BETWEEN`, `IS [NOT] NULL`). `complete` is false when some conjunct is anything else (OR, functions,
 * two columns, arithmetic): that part is left to the database.
 */
export interface ParsedCheck {
  readonly clauses: readonly Clause[];
  readonly complete: boolean;
}

interface Token {
  /** `quoted`: a double-quoted identifier (a column name as written, never a keyword). */
  readonly kind: 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'punct';
  readonly text: string;
}

/** Words that continue a multi-word type name after `::` (`character varying`, `timestamp with time zone`). */
const TYPE_WORDS = new Set(['varying', 'with', 'without', 'time', 'zone', 'precision']);
const FLIP: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const OPS: Readonly<Record<string, ClauseOp>> = {
  '=': 'eq',
  '<>': 'ne',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};

/** Tokens of a definition; with `valueColumn`, a domain's `VALUE` reads as that column. */
function tokenize(text: string, valueColumn?: string): Token[] | null {
  const tokens = tokenizeText(text);
  if (tokens === null || valueColumn === undefined) return tokens;
  return tokens.map((t) =>
    t.kind === 'ident' && t.text === 'value' ? { kind: 'quoted', text: valueColumn } : t,
  );
}

function tokenizeText(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'" || ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) return null;
        if (text[i] === ch) {
          if (text[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i] as string;
        i++;
      }
      tokens.push({ kind: ch === "'" ? 'string' : 'quoted', text: value });
    } else if (/[0-9]/.test(ch)) {
      const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      const number = m?.[0] ?? ch;
      tokens.push({ kind: 'number', text: number });
      i += number.length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i));
      const word = m?.[0] ?? ch;
      // Unquoted identifiers are folded to lower case, as PostgreSQL does.
      tokens.push({ kind: 'ident', text: word.toLowerCase() });
      i += word.length;
    } else if ('()[],'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else {
      const m = /^[-+*/<>=~!@#%^&|`?:]+/.exec(text.slice(i));
      const op = m?.[0] ?? ch;
      // `x>-1` prints as `x > '-1'`, but keep a glued sign apart from a comparison all the same.
      const split = /^(<=|>=|<>|!=|=|<|>)(-)$/.exec(op);
      if (split !== null) tokens.push({ kind: 'op', text: split[1] as string }, { kind: 'op', text: '-' });
      else tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** An operand: a column, or a constant (text; null for NULL). Casts are skipped. */
type Operand = { readonly column: string } | { readonly constant: string | null };

class Parser {
  #p = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  get done(): boolean {
    return this.#p >= this.tokens.length;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.#p + offset];
  }
  take(): Token | undefined {
    return this.tokens[this.#p++];
  }
  is(text: string, kind?: Token['kind']): boolean {
    const t = this.peek();
    return t !== undefined && t.text === text && (kind === undefined || t.kind === kind);
  }
  accept(text: string, kind?: Token['kind']): boolean {
    if (!this.is(text, kind)) return false;
    this.#p++;
    return true;
  }
  keyword(word: string): boolean {
    return this.accept(word, 'ident');
  }

  /** `::type`, repeated: `::character varying(10)[]`, `::timestamp with time zone`. */
  casts(): boolean {
    while (this.accept('::', 'op')) {
      if (this.peek()?.kind !== 'ident') return false;
      this.take();
      while (this.peek()?.kind === 'ident' && TYPE_WORDS.has(this.peek()?.text ?? '')) this.take();
      if (this.accept('(', 'punct')) {
        while (!this.done && !this.is(')', 'punct')) this.take();
        if (!this.accept(')', 'punct')) return false;
      }
      while (this.accept('[', 'punct')) if (!this.accept(']', 'punct')) return false;
    }
    return true;
  }

  operand(): Operand | null {
    let result: Operand | null;
    if (this.accept('(', 'punct')) {
      result = this.operand();
      if (result === null || !this.accept(')', 'punct')) return null;
    } else if (this.is('-', 'op') && this.peek(1)?.kind === 'number') {
      this.take();
      result = { constant: `-${this.take()?.text ?? ''}` };
    } else {
      const t = this.take();
      if (t === undefined) return null;
      if (t.kind === 'string' || t.kind === 'number') result = { constant: t.text };
      else if (t.kind === 'quoted') result = { column: t.text };
      else if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) result = { constant: t.text };
      else if (t.kind === 'ident' && t.text === 'null') result = { constant: null };
      else if (t.kind === 'ident' && !this.is('(', 'punct') && !RESERVED.has(t.text))
        result = { column: t.text };
      else return null;
    }
    return this.casts() ? result : null;
  }

  /** `ARRAY[c, …]`, possibly in parentheses and cast: the list of constants. */
  array(): (string | null)[] | null {
    if (this.accept('(', 'punct')) {
      const inner = this.array();
      if (inner === null || !this.accept(')', 'punct')) return null;
      return this.casts() ? inner : null;
    }
    if (!this.keyword('array') || !this.accept('[', 'punct')) return null;
    const values = this.list(']');
    return values !== null && this.casts() ? values : null;
  }

  /** Constants separated by commas up to the closing bracket. */
  list(close: string): (string | null)[] | null {
    const values: (string | null)[] = [];
    for (;;) {
      const o = this.operand();
      if (o === null || !('constant' in o)) return null;
      values.push(o.constant);
      if (this.accept(close, 'punct')) return values;
      if (!this.accept(',', 'punct')) return null;
    }
  }
}

const RESERVED = new Set([
  'and',
  'or',
  'not',
  'any',
  'all',
  'array',
  'in',
  'is',
  'between',
  'check',
  'value',
]);

/** One conjunct: clauses on one column (two for between), or null when it is anything else. */
function atom(tokens: readonly Token[]): Clause[] | null {
  const p = new Parser(tokens);
  const left = p.operand();
  if (left === null) return null;
  let clauses: Clause[] | null = null;
  if ('column' in left) {
    const path = [left.column];
    const constant = (): string | null | undefined => {
      const o = p.operand();
      return o === null || !('constant' in o) ? undefined : o.constant;
    };
    if (p.keyword('is')) {
      const not = p.keyword('not');
      if (p.keyword('null')) clauses = [{ path, op: not ? 'not_null' : 'null', values: [] }];
    } else if (p.keyword('between')) {
      const low = constant();
      const high = low == null || !p.keyword('and') ? undefined : constant();
      if (low != null && high != null)
        clauses = [
          { path, op: 'gte', values: [low] },
          { path, op: 'lte', values: [high] },
        ];
    } else if (p.is('not', 'ident') || p.is('in', 'ident')) {
      const negated = p.keyword('not');
      const values = p.keyword('in') && p.accept('(', 'punct') ? p.list(')') : null;
      if (values !== null) clauses = [{ path, op: negated ? 'not_in' : 'in', values }];
    } else {
      const op = p.take();
      if (op?.kind !== 'op' || OPS[op.text] === undefined) return null;
      const quantifier = p.peek()?.kind === 'ident' ? p.peek()?.text : undefined;
      if (quantifier === 'any' || quantifier === 'all') {
        p.take();
        const values = p.accept('(', 'punct') ? p.array() : null;
        if (values === null || !p.accept(')', 'punct')) return null;
        if (op.text === '=' && quantifier === 'any') clauses = [{ path, op: 'in', values }];
        else if (OPS[op.text] === 'ne' && quantifier === 'all') clauses = [{ path, op: 'not_in', values }];
      } else {
        const value = constant();
        if (value != null) clauses = [{ path, op: OPS[op.text] as ClauseOp, values: [value] }];
      }
    }
  } else if (left.constant !== null) {
    // `9.99 >= x`: turned around.
    const op = p.take();
    if (op?.kind !== 'op' || OPS[op.text] === undefined) return null;
    const right = p.operand();
    if (right === null || !('column' in right)) return null;
    clauses = [
      { path: [right.column], op: OPS[FLIP[op.text] ?? op.text] as ClauseOp, values: [left.constant] },
    ];
  }
  return clauses !== null && p.done ? clauses : null;
}

/** Strips parentheses that wrap the whole token list. */
function unwrap(tokens: readonly Token[]): readonly Token[] {
  let out = tokens;
  while (out.length >= 2 && out[0]?.text === '(' && out[out.length - 1]?.text === ')') {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < out.length; i++) {
      const t = out[i] as Token;
      if (t.kind !== 'punct') continue;
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      if (depth === 0 && i < out.length - 1) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    out = out.slice(1, -1);
  }
  return out;
}

/** Top-level conjuncts (the `and` of `between … and …` stays with its between). */
function conjuncts(tokens: readonly Token[]): (readonly Token[])[] {
  const out: (readonly Token[])[] = [];
  let depth = 0;
  let start = 0;
  let between = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    else if (depth === 0 && t.kind === 'ident' && t.text === 'between') between = true;
    else if (depth === 0 && t.kind === 'ident' && t.text === 'and') {
      if (between) {
        between = false;
        continue;
      }
      out.push(tokens.slice(start, i));
      start = i + 1;
    }
  }
  out.push(tokens.slice(start));
  return out;
}

function clausesOf(tokens: readonly Token[], out: Clause[]): boolean {
  const inner = unwrap(tokens);
  const parts = conjuncts(inner);
  if (parts.length > 1) {
    let complete = true;
    for (const part of parts) complete = clausesOf(part, out) && complete;
    return complete;
  }
  if (inner.some((t) => t.kind === 'ident' && t.text === 'or')) return false;
  const clauses = atom(inner);
  if (clauses === null) return false;
  out.push(...clauses);
  return true;
}

/**
 * Reads a CHECK constraint's definition (`CHECK ((rental_rate <= 9.99))`, `CHECK ((status = ANY
 * (ARRAY['a'::text, 'b'::text])))`) into clauses on its columns. Pure; anything it does not recognise
 * leaves `complete` false and is left to the database.
 */
export function parseCheckConstraint(definition: string, valueColumn?: string): ParsedCheck {
  const tokens = checkTokens(definition, valueColumn);
  if (tokens === null) return { clauses: [], complete: false };
  const clauses: Clause[] = [];
  const complete = clausesOf(tokens, clauses);
  return { clauses, complete };
}

/** A model's CHECK parsed: a domain's `VALUE` reads as its column. */
export function parseCheck(check: Pick<CheckModel, 'columns' | 'definition' | 'domain'>): ParsedCheck {
  return parseCheckConstraint(check.definition, check.domain === undefined ? undefined : check.columns[0]);
}

/** The tokens after `CHECK`, or null when the text is not a CHECK. */
function checkTokens(definition: string, valueColumn?: string): Token[] | null {
  const text = definition
    .trim()
    .replace(/\s+NOT\s+VALID\s*$/i, '')
    .replace(/\s+NO\s+INHERIT\s*$/i, '');
  const tokens = tokenize(text, valueColumn);
  if (tokens === null || tokens[0]?.kind !== 'ident' || tokens[0].text !== 'check') return null;
  return tokens.slice(1);
}

/**
 * The values CHECK constraints hold a column to (`x IN (…)`, `x = ANY (ARRAY[…])`; several lists
 * intersect), or null when none does. NULL is not a value: it always passes a CHECK.
 */
export function checkedValues(
  checks: readonly Pick<CheckModel, 'columns' | 'definition' | 'domain'>[],
  column: string,
): string[] | null {
  let values: string[] | null = null;
  for (const check of checks) {
    if (!check.columns.includes(column)) continue;
    for (const clause of parseCheck(check).clauses) {
      if (clause.op !== 'in' || clause.path.length !== 1 || clause.path[0] !== column) continue;
      const list = clause.values.filter((v): v is string => v !== null);
      values = values === null ? list : values.filter((v) => list.includes(v));
    }
  }
  return values;
}

/** Whether a value passes a CHECK (SQL's three-valued logic: a CHECK that yields NULL passes). */
export type ValueTest = (value: string | null) => boolean;

type Truth = boolean | null;
type Predicate = (value: string | null) => Truth;

/**
 * A test of one column's values against a CHECK that reads that column alone (a domain's CHECK, or a
 * table's single-column CHECK): the forms `parseCheckConstraint` reads, plus OR, NOT, regular
 * expressions (`~`, `~*`, `!~`, `!~*`), LIKE (`~~`, `~~*`, `!~~`, `!~~*`) and `length(x)` compared with a
 * number. Null when any part is anything else: synthesis then cannot tell which values pass. Comparisons
 * are numeric when both sides read as numbers, else by code point (not the database's collation); POSIX
 * regular expressions are read as JavaScript ones where they mean the same (bracket classes such as
 * `[[:digit:]]` included; word-boundary escapes and embedded options are not read).
 */
export function compileCheckTest(
  check: Pick<CheckModel, 'definition' | 'domain'>,
  column: string,
): ValueTest | null {
  const tokens = checkTokens(check.definition, check.domain === undefined ? undefined : column);
  if (tokens === null) return null;
  const predicate = predicateOf(tokens, column);
  return predicate === null ? null : (value) => predicate(value) !== false;
}

function all(truths: readonly Truth[]): Truth {
  if (truths.includes(false)) return false;
  return truths.includes(null) ? null : true;
}

function any(truths: readonly Truth[]): Truth {
  if (truths.includes(true)) return true;
  return truths.includes(null) ? null : false;
}

/** Splits at a top-level keyword (outside parentheses and brackets). */
function splitAt(tokens: readonly Token[], word: string): (readonly Token[])[] {
  const out: (readonly Token[])[] = [];
  let depth = 0;
  let start = 0;
  tokens.forEach((t, i) => {
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    else if (depth === 0 && t.kind === 'ident' && t.text === word) {
      out.push(tokens.slice(start, i));
      start = i + 1;
    }
  });
  out.push(tokens.slice(start));
  return out;
}

function predicateOf(tokens: readonly Token[], column: string): Predicate | null {
  const inner = unwrap(tokens);
  if (inner.length === 0) return null;
  const combine = (
    parts: readonly (readonly Token[])[],
    join: (truths: readonly Truth[]) => Truth,
  ): Predicate | null => {
    const predicates: Predicate[] = [];
    for (const part of parts) {
      const p = predicateOf(part, column);
      if (p === null) return null;
      predicates.push(p);
    }
    return (value) => join(predicates.map((p) => p(value)));
  };
  const alternatives = splitAt(inner, 'or');
  if (alternatives.length > 1) return combine(alternatives, any);
  const parts = conjuncts(inner);
  if (parts.length > 1) return combine(parts, all);
  if (inner[0]?.kind === 'ident' && inner[0].text === 'not') {
    const negated = predicateOf(inner.slice(1), column);
    if (negated === null) return null;
    return (value) => {
      const truth = negated(value);
      return truth === null ? null : !truth;
    };
  }
  const clauses = atom(inner);
  if (clauses !== null) {
    if (clauses.some((c) => c.path.length !== 1 || c.path[0] !== column)) return null;
    return (value) => all(clauses.map((c) => clauseTruth(c, value)));
  }
  return matchAtom(inner, column) ?? lengthAtom(inner, column);
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function compare(a: string, b: string): number {
  if (NUMBER.test(a) && NUMBER.test(b)) return Math.sign(Number(a) - Number(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

function clauseTruth(clause: Clause, value: string | null): Truth {
  if (clause.op === 'null') return value === null;
  if (clause.op === 'not_null') return value !== null;
  if (value === null) return null;
  if (clause.op === 'in' || clause.op === 'not_in') {
    let unknown = false;
    for (const v of clause.values) {
      if (v === null) unknown = true;
      else if (compare(value, v) === 0) return clause.op === 'in';
    }
    return unknown ? null : clause.op === 'not_in';
  }
  const constant = clause.values[0];
  if (constant == null) return null;
  const c = compare(value, constant);
  switch (clause.op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
  }
}

const MATCH_OPS: Readonly<Record<string, { like: boolean; negated: boolean; insensitive: boolean }>> = {
  '~': { like: false, negated: false, insensitive: false },
  '~*': { like: false, negated: false, insensitive: true },
  '!~': { like: false, negated: true, insensitive: false },
  '!~*': { like: false, negated: true, insensitive: true },
  '~~': { like: true, negated: false, insensitive: false },
  '~~*': { like: true, negated: false, insensitive: true },
  '!~~': { like: true, negated: true, insensitive: false },
  '!~~*': { like: true, negated: true, insensitive: true },
};

/** `x ~ 'pattern'` and its kin, `x ~~ 'like pattern'` (LIKE as PostgreSQL prints it). */
function matchAtom(tokens: readonly Token[], column: string): Predicate | null {
  const p = new Parser(tokens);
  const left = p.operand();
  const op = p.take();
  const right = p.operand();
  if (left === null || !('column' in left) || left.column !== column || op?.kind !== 'op') return null;
  const kind = MATCH_OPS[op.text];
  if (kind === undefined || right === null || !('constant' in right) || right.constant === null || !p.done)
    return null;
  const source = kind.like ? likeToRegex(right.constant) : posixToRegex(right.constant);
  if (source === null) return null;
  let regex: RegExp;
  try {
    regex = new RegExp(source, `s${kind.insensitive ? 'i' : ''}`);
  } catch {
    return null;
  }
  return (value) => (value === null ? null : regex.test(value) !== kind.negated);
}

/** `length(x) <op> n` (also `char_length`, `character_length`). */
function lengthAtom(tokens: readonly Token[], column: string): Predicate | null {
  const p = new Parser(tokens);
  const fn = p.take();
  if (fn?.kind !== 'ident' || !['length', 'char_length', 'character_length'].includes(fn.text)) return null;
  if (!p.accept('(', 'punct')) return null;
  const argument = p.operand();
  if (argument === null || !('column' in argument) || argument.column !== column) return null;
  if (!p.accept(')', 'punct') || !p.casts()) return null;
  const op = p.take();
  const bound = p.operand();
  if (op?.kind !== 'op' || OPS[op.text] === undefined || bound === null || !('constant' in bound))
    return null;
  if (bound.constant === null || !NUMBER.test(bound.constant) || !p.done) return null;
  const clause: Clause = { path: [column], op: OPS[op.text] as ClauseOp, values: [bound.constant] };
  return (value) => (value === null ? null : clauseTruth(clause, String([...value].length)));
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  digit: '0-9',
  alpha: 'A-Za-z',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
};

/** A POSIX (ARE) pattern as a JavaScript one, or null when it uses what the two read differently. */
function posixToRegex(pattern: string): string | null {
  if (/\\[mMyYZ]/.test(pattern) || pattern.startsWith('***') || pattern.startsWith('(?')) return null;
  let out = pattern.replace(/\\A/g, '^');
  let unknown = false;
  out = out.replace(/\[:([a-z]+):\]/g, (_, name: string) => {
    const range = POSIX_CLASSES[name];
    if (range === undefined) unknown = true;
    return range ?? '';
  });
  return unknown ? null : out;
}

function likeToRegex(pattern: string): string {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      out += escapeRegex(pattern[++i] as string);
    } else if (ch === '%') out += '.*';
    else if (ch === '_') out += '.';
    else out += escapeRegex(ch);
  }
  return `${out}$`;
}

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

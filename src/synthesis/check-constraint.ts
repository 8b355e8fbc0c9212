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

function tokenize(text: string): Token[] | null {
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
export function parseCheckConstraint(definition: string): ParsedCheck {
  const text = definition
    .trim()
    .replace(/\s+NOT\s+VALID\s*$/i, '')
    .replace(/\s+NO\s+INHERIT\s*$/i, '');
  const tokens = tokenize(text);
  if (tokens === null || tokens[0]?.kind !== 'ident' || tokens[0].text !== 'check')
    return { clauses: [], complete: false };
  const clauses: Clause[] = [];
  const complete = clausesOf(tokens.slice(1), clauses);
  return { clauses, complete };
}

/**
 * The values CHECK constraints hold a column to (`x IN (…)`, `x = ANY (ARRAY[…])`; several lists
 * intersect), or null when none does. NULL is not a value: it always passes a CHECK.
 */
export function checkedValues(
  checks: readonly { readonly columns: readonly string[]; readonly definition: string }[],
  column: string,
): string[] | null {
  let values: string[] | null = null;
  for (const check of checks) {
    if (!check.columns.includes(column)) continue;
    for (const clause of parseCheckConstraint(check.definition).clauses) {
      if (clause.op !== 'in' || clause.path.length !== 1 || clause.path[0] !== column) continue;
      const list = clause.values.filter((v): v is string => v !== null);
      values = values === null ? list : values.filter((v) => list.includes(v));
    }
  }
  return values;
}

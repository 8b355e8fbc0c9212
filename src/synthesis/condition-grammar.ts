/**
 * The condition grammar of `synth --where` and scenario files. A condition is clauses joined by `and`:
 *
 *   condition := clause ("and" clause)*
 *   clause    := path ("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") value
 *              | path ["not"] "in" "(" value ("," value)* ")"
 *              | path "between" value "and" value
 *              | path "is" ["not"] "null"
 *   path      := name ("." name)*     a column, or foreign-key columns leading to a referenced table's column
 *   value     := 'quoted text' | a bare word (no spaces, commas or parentheses) | null (inside "in")
 *
 * Values are kept as text; what they mean (a number, a date, a category) is decided against the model.
 * As in SQL, `!=`, `<>` and `not in` hold for values only: the column is never NULL (`not in (…, null)`
 * says the same). Each excluded value is cut from the learned distribution.
 * Error messages name the position and what was expected, never the text itself.
 */

export type ClauseOp = 'eq' | 'ne' | 'in' | 'not_in' | 'gt' | 'gte' | 'lt' | 'lte' | 'null' | 'not_null';

export interface Clause {
  /** Column names: the last is a column of the table the earlier foreign-key columns lead to. */
  readonly path: readonly string[];
  readonly op: ClauseOp;
  /** eq, ne, gt, gte, lt, lte: one value; in, not_in: one or more (null for NULL); null, not_null: none. */
  readonly values: readonly (string | null)[];
}

export class ConditionSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly expected: string,
  ) {
    super(`at character ${position + 1}: expected ${expected}`);
    this.name = 'ConditionSyntaxError';
  }
}

interface Token {
  readonly kind: 'word' | 'quoted' | 'op' | 'punct' | 'end';
  readonly text: string;
  readonly at: number;
}

const OPERATORS = ['<=', '>=', '<>', '!=', '=', '<', '>'] as const;
const OP_NAMES: Readonly<Record<string, ClauseOp>> = {
  '=': 'eq',
  '!=': 'ne',
  '<>': 'ne',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ConditionSyntaxError(start, `a closing ${ch}`);
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
      tokens.push({ kind: 'quoted', text: value, at: start });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, at: i });
      i++;
      continue;
    }
    if (ch === '!') throw new ConditionSyntaxError(i, EXPECTED_OPERATOR);
    const start = i;
    while (i < text.length && !/[\s(),'"=<>!]/.test(text[i] as string)) i++;
    tokens.push({ kind: 'word', text: text.slice(start, i), at: start });
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

const EXPECTED_OPERATOR = 'one of =, !=, <>, <, <=, >, >=, in, not in, between, is null';

const isKeyword = (token: Token, word: string): boolean =>
  token.kind === 'word' && token.text.toLowerCase() === word;

const NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Parses a condition's text into clauses; throws `ConditionSyntaxError` (a position, what was expected). */
export function parseCondition(text: string): Clause[] {
  const tokens = tokenize(text);
  let p = 0;
  const peek = (): Token => tokens[p] as Token;
  const next = (): Token => tokens[p++] as Token;
  const expect = (ok: (t: Token) => boolean, expected: string): Token => {
    const token = peek();
    if (!ok(token)) throw new ConditionSyntaxError(token.at, expected);
    return next();
  };
  const value = (allowNull: boolean): string | null => {
    const token = peek();
    if (token.kind === 'quoted') return next().text;
    if (token.kind === 'word' && !isKeyword(token, 'and')) {
      if (isKeyword(token, 'null')) {
        if (!allowNull)
          throw new ConditionSyntaxError(token.at, '"is null" instead of a comparison with null');
        next();
        return null;
      }
      return next().text;
    }
    throw new ConditionSyntaxError(token.at, 'a value');
  };
  const clauses: Clause[] = [];
  if (peek().kind === 'end') throw new ConditionSyntaxError(0, 'a condition');
  for (;;) {
    const name = expect((t) => t.kind === 'word' || t.kind === 'quoted', 'a column name');
    const path = name.kind === 'quoted' ? [name.text] : name.text.split('.');
    if (name.kind === 'word' && !path.every((part) => NAME.test(part)))
      throw new ConditionSyntaxError(name.at, 'a column name or a dotted path of column names');
    const op = peek();
    if (op.kind === 'op') {
      next();
      clauses.push({ path, op: OP_NAMES[op.text] as ClauseOp, values: [value(false)] });
    } else if (isKeyword(op, 'in') || isKeyword(op, 'not')) {
      next();
      const negated = isKeyword(op, 'not');
      if (negated) expect((t) => isKeyword(t, 'in'), 'in after not');
      expect((t) => t.kind === 'punct' && t.text === '(', '"(" after in');
      const values: (string | null)[] = [value(true)];
      while (peek().kind === 'punct' && peek().text === ',') {
        next();
        values.push(value(true));
      }
      expect((t) => t.kind === 'punct' && t.text === ')', '"," or ")" in the in-list');
      clauses.push({ path, op: negated ? 'not_in' : 'in', values });
    } else if (isKeyword(op, 'between')) {
      next();
      const low = value(false);
      expect((t) => isKeyword(t, 'and'), '"and" between the two bounds');
      const high = value(false);
      clauses.push({ path, op: 'gte', values: [low] }, { path, op: 'lte', values: [high] });
    } else if (isKeyword(op, 'is')) {
      next();
      const not = isKeyword(peek(), 'not');
      if (not) next();
      expect((t) => isKeyword(t, 'null'), 'null after is');
      clauses.push({ path, op: not ? 'not_null' : 'null', values: [] });
    } else throw new ConditionSyntaxError(op.at, EXPECTED_OPERATOR);
    const after = peek();
    if (after.kind === 'end') return clauses;
    if (!isKeyword(after, 'and'))
      throw new ConditionSyntaxError(after.at, '"and" or the end of the condition');
    next();
  }
}

/** A `--where` argument: `<table>: <condition>`. */
export function parseWhereOption(text: string): { table: string; clauses: Clause[] } {
  const colon = text.indexOf(':');
  const table = colon === -1 ? '' : text.slice(0, colon).trim();
  if (colon === -1 || table === '') throw new ConditionSyntaxError(0, '"<table>: <condition>"');
  try {
    return { table, clauses: parseCondition(text.slice(colon + 1)) };
  } catch (error) {
    if (error instanceof ConditionSyntaxError)
      throw new ConditionSyntaxError(error.position + colon + 1, error.expected);
    throw error;
  }
}

/** A clause as text for messages and keys: names and operators only, values replaced by their count. */
export function describeClause(clause: Clause): string {
  const path = clause.path.join('.');
  switch (clause.op) {
    case 'null':
      return `${path} is null`;
    case 'not_null':
      return `${path} is not null`;
    case 'in':
      return `${path} in (${clause.values.length} values)`;
    case 'not_in':
      return `${path} not in (${clause.values.length} values)`;
    default:
      return `${path} ${Object.entries(OP_NAMES).find(([, op]) => op === clause.op)?.[0] ?? clause.op} …`;
  }
}

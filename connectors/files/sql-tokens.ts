/**
 * A tokenizer for pg_dump scripts: enough of PostgreSQL's lexical rules (strings, escape strings, quoted
 * identifiers, dollar quotes, nested comments) to split statements and read table definitions. Bodies of
 * functions are single tokens, so their semicolons never end a statement.
 */

export type TokenType = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'op';

export interface Token {
  readonly type: TokenType;
  /** Words lower-cased (as PostgreSQL folds them), quoted identifiers and strings unescaped. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const PUNCT = new Set(['(', ')', ',', '.', ';', '[', ']']);
const OP_CHARS = new Set([...'+-*/<>=~!@#%^&|`?:']);

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code >= 128;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Reads a quoted run ending at `quote` (doubled quote = one); `backslash` honours E'' escapes. */
function readQuoted(sql: string, from: number, quote: string, backslash: boolean): [string, number] {
  let value = '';
  let i = from + 1;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (backslash && char === '\\' && i + 1 < sql.length) {
      value += sql[i + 1];
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i += 2;
      } else return [value, i + 1];
    } else {
      value += char;
      i++;
    }
  }
  return [value, sql.length];
}

function skipBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** All tokens of a script, comments and whitespace dropped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    const char = sql[i] as string;
    if (code <= 32) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline + 1;
    } else if (sql.startsWith('/*', i)) {
      i = skipBlockComment(sql, i);
    } else if (char === "'") {
      const [value, end] = readQuoted(sql, i, "'", false);
      tokens.push({ type: 'string', value, start: i, end });
      i = end;
    } else if (char === '"') {
      const [value, end] = readQuoted(sql, i, '"', false);
      tokens.push({ type: 'quoted', value, start: i, end });
      i = end;
    } else if (char === '$' && !isDigit(sql.charCodeAt(i + 1))) {
      const tag = /^\$[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*\$|^\$\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag === undefined) {
        tokens.push({ type: 'op', value: char, start: i, end: i + 1 });
        i++;
        continue;
      }
      const close = sql.indexOf(tag, i + tag.length);
      const end = close === -1 ? sql.length : close + tag.length;
      tokens.push({
        type: 'string',
        value: sql.slice(i + tag.length, close === -1 ? end : close),
        start: i,
        end,
      });
      i = end;
    } else if (isWordStart(code)) {
      let end = i + 1;
      while (end < sql.length && isWordPart(sql.charCodeAt(end))) end++;
      const word = sql.slice(i, end);
      if ((word === 'E' || word === 'e') && sql[end] === "'") {
        const [value, stringEnd] = readQuoted(sql, end, "'", true);
        tokens.push({ type: 'string', value, start: i, end: stringEnd });
        i = stringEnd;
        continue;
      }
      tokens.push({ type: 'word', value: word.toLowerCase(), start: i, end });
      i = end;
    } else if (isDigit(code)) {
      const match = /^\d+(\.\d*)?([eE][+-]?\d+)?/.exec(sql.slice(i, i + 64));
      const end = i + (match?.[0].length ?? 1);
      tokens.push({ type: 'number', value: sql.slice(i, end), start: i, end });
      i = end;
    } else if (PUNCT.has(char)) {
      tokens.push({ type: 'punct', value: char, start: i, end: i + 1 });
      i++;
    } else {
      let end = i + 1;
      if (OP_CHARS.has(char)) while (end < sql.length && OP_CHARS.has(sql[end] as string)) end++;
      tokens.push({ type: 'op', value: sql.slice(i, end), start: i, end });
      i = end;
    }
  }
  return tokens;
}

/** The script's statements as token lists (empty statements dropped). */
export function splitStatements(sql: string): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokenize(sql)) {
    if (token.type === 'punct' && token.value === ';') {
      if (current.length > 0) statements.push(current);
      current = [];
    } else current.push(token);
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

/** Index of the `)` closing the `(` at `open`, or the end when unbalanced. */
export function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.type !== 'punct') continue;
    if (token.value === '(') depth++;
    else if (token.value === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length;
}

/** Splits `tokens` at commas outside parentheses and brackets. */
export function splitTopLevel(tokens: readonly Token[]): Token[][] {
  const parts: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.type === 'punct') {
      if (token.value === '(' || token.value === '[') depth++;
      else if (token.value === ')' || token.value === ']') depth--;
      else if (token.value === ',' && depth === 0) {
        parts.push(current);
        current = [];
        continue;
      }
    }
    current.push(token);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token?.type === 'word' && words.includes(token.value);
}

export function isPunct(token: Token | undefined, value: string): boolean {
  return token?.type === 'punct' && token.value === value;
}

/** An identifier token (a plain word or a quoted identifier). */
export function isIdentifier(token: Token | undefined): token is Token {
  return token?.type === 'word' || token?.type === 'quoted';
}

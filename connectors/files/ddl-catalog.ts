import { qualifiedName, type TableRef } from '../../src/core/index.js';
import {
  closingParen,
  isIdentifier,
  isPunct,
  isWord,
  splitStatements,
  splitTopLevel,
  type Token,
} from './sql-tokens.js';

/**
 * The tables a pg_dump schema script defines, read from its text: a file target has no database to run
 * the script in, yet its schema file must say what each column is. Reads CREATE TABLE / TYPE … AS ENUM /
 * DOMAIN and ALTER TABLE … ADD CONSTRAINT (primary, unique, foreign keys), SET NOT NULL and ATTACH
 * PARTITION; every other statement (functions, views, indexes, triggers, grants) is skipped.
 */

/** How a value travels in JSON: numbers and booleans as themselves, json as the document, the rest as text. */
export type JsonKind = 'number' | 'boolean' | 'json' | 'string';

export interface ColumnDefinition {
  readonly name: string;
  /** The declared type as pg_dump prints it, e.g. `numeric(5,2)`, `text[]`, `public.mpaa_rating`. */
  readonly type: string;
  nullable: boolean;
  /** The type without modifiers and array brackets, for resolution: `numeric`, `public.year`. */
  readonly typeKey: string;
  readonly arrayDepth: number;
}

export interface KeyDefinition {
  readonly name: string;
  readonly kind: 'primary_key' | 'unique' | 'foreign_key';
  readonly columns: readonly string[];
  /** Foreign keys: the referenced table and columns (empty columns: its primary key). */
  readonly references: { readonly table: TableRef; readonly columns: readonly string[] } | null;
}

export interface TableDefinition {
  readonly ref: TableRef;
  columns: ColumnDefinition[];
  readonly keys: KeyDefinition[];
  partitionOf: TableRef | null;
  readonly inherits: TableRef[];
}

export interface ResolvedType {
  readonly kind: JsonKind;
  /** Array nesting of the value (a domain over an array counts). */
  readonly arrayDepth: number;
  /** The base type's declared text when the column's type is a domain. */
  readonly baseType: string | null;
  /** The resolved type without modifiers or array brackets (`integer`, `numeric`, `text`). */
  readonly typeKey: string;
  readonly enumLabels: readonly string[] | null;
}

const NUMBER_TYPES = new Set([
  'smallint',
  'integer',
  'int',
  'bigint',
  'int2',
  'int4',
  'int8',
  'numeric',
  'decimal',
  'real',
  'double precision',
  'float',
  'float4',
  'float8',
  'oid',
]);
const BOOLEAN_TYPES = new Set(['boolean', 'bool']);
const JSON_TYPES = new Set(['json', 'jsonb']);

/** Words that end a column's type in its definition. */
const COLUMN_CLAUSES = new Set([
  'collate',
  'default',
  'not',
  'null',
  'constraint',
  'check',
  'generated',
  'primary',
  'unique',
  'references',
  'compression',
  'storage',
  'options',
]);
const DOMAIN_CLAUSES = new Set(['collate', 'default', 'not', 'null', 'constraint', 'check']);

/** A possibly qualified name at `at`: the ref and the index after it. Unqualified means `public`. */
function readName(tokens: readonly Token[], at: number): [TableRef, number] | undefined {
  const first = tokens[at];
  if (!isIdentifier(first)) return undefined;
  if (isPunct(tokens[at + 1], '.') && isIdentifier(tokens[at + 2])) {
    return [{ schema: first.value, name: (tokens[at + 2] as Token).value }, at + 3];
  }
  return [{ schema: 'public', name: first.value }, at + 1];
}

/** Identifiers inside the parenthesis at `open`: `(a, "B")` → ['a', 'B']. */
function readColumnList(tokens: readonly Token[], open: number): [string[], number] {
  const close = closingParen(tokens, open);
  const names = tokens
    .slice(open + 1, close)
    .filter((t) => isIdentifier(t))
    .map((t) => t.value);
  return [names, close + 1];
}

/** Type text, resolution key and array depth of the type tokens `[from, to)`. */
function readType(
  sql: string,
  tokens: readonly Token[],
  from: number,
  to: number,
): { type: string; typeKey: string; arrayDepth: number } {
  const first = tokens[from];
  const last = tokens[to - 1];
  const type =
    first === undefined || last === undefined ? '' : sql.slice(first.start, last.end).replace(/\s+/g, ' ');
  let key = '';
  let arrayDepth = 0;
  let depth = 0;
  let previousWasName = false;
  for (let i = from; i < to; i++) {
    const token = tokens[i] as Token;
    if (isPunct(token, '(')) depth++;
    else if (isPunct(token, ')')) depth--;
    else if (depth > 0) continue;
    else if (isPunct(token, '[')) arrayDepth++;
    else if (isWord(token, 'array')) arrayDepth = Math.max(arrayDepth, 1);
    else if (isPunct(token, '.')) {
      key += '.';
      previousWasName = false;
    } else if (isIdentifier(token)) {
      key += (previousWasName ? ' ' : '') + token.value;
      previousWasName = true;
    }
  }
  return { type, typeKey: key.replace(/^pg_catalog\./, ''), arrayDepth };
}

function keyName(tokens: readonly Token[]): string {
  return isWord(tokens[0], 'constraint') && isIdentifier(tokens[1]) ? tokens[1].value : '';
}

/** A table constraint (`[CONSTRAINT n] PRIMARY KEY (…)`, `UNIQUE (…)`, `FOREIGN KEY (…) REFERENCES t (…)`). */
function readKey(tokens: readonly Token[]): Omit<KeyDefinition, 'name'> | undefined {
  let at = isWord(tokens[0], 'constraint') ? 2 : 0;
  if (isWord(tokens[at], 'primary') && isWord(tokens[at + 1], 'key') && isPunct(tokens[at + 2], '(')) {
    return { kind: 'primary_key', columns: readColumnList(tokens, at + 2)[0], references: null };
  }
  if (isWord(tokens[at], 'unique')) {
    at++;
    if (isWord(tokens[at], 'nulls')) at += isWord(tokens[at + 1], 'not') ? 3 : 2;
    if (!isPunct(tokens[at], '(')) return undefined;
    return { kind: 'unique', columns: readColumnList(tokens, at)[0], references: null };
  }
  if (isWord(tokens[at], 'foreign') && isWord(tokens[at + 1], 'key') && isPunct(tokens[at + 2], '(')) {
    const [columns, next] = readColumnList(tokens, at + 2);
    if (!isWord(tokens[next], 'references')) return undefined;
    const name = readName(tokens, next + 1);
    if (name === undefined) return undefined;
    const [table, after] = name;
    const referenced = isPunct(tokens[after], '(') ? readColumnList(tokens, after)[0] : [];
    return { kind: 'foreign_key', columns, references: { table, columns: referenced } };
  }
  return undefined;
}

/** Reserved words start table constraints; `exclude` is not reserved, so a column may be named so. */
function isConstraintStart(element: readonly Token[]): boolean {
  if (isWord(element[0], 'exclude')) return isWord(element[1], 'using') || isPunct(element[1], '(');
  return isWord(element[0], 'constraint', 'check', 'unique', 'primary', 'foreign', 'like');
}

export class DdlCatalog {
  readonly #tables = new Map<string, TableDefinition>();
  readonly #domains = new Map<string, { type: string; typeKey: string; arrayDepth: number }>();
  readonly #enums = new Map<string, readonly string[]>();

  /** Reads one pg_dump script (pre-data or post-data); statements it does not model are skipped. */
  apply(sql: string): void {
    for (const statement of splitStatements(sql)) {
      if (isWord(statement[0], 'create')) this.#create(sql, statement);
      else if (isWord(statement[0], 'alter') && isWord(statement[1], 'table')) this.#alterTable(statement);
    }
  }

  table(ref: TableRef): TableDefinition | undefined {
    return this.#tables.get(qualifiedName(ref));
  }

  /** The columns of a table, inherited ones first (pg_dump lists only a child's own columns). */
  columnsOf(ref: TableRef, seen = new Set<string>()): ColumnDefinition[] {
    const table = this.table(ref);
    if (table === undefined || seen.has(qualifiedName(ref))) return [];
    seen.add(qualifiedName(ref));
    const inherited = table.inherits.flatMap((parent) => this.columnsOf(parent, seen));
    const own = new Set(table.columns.map((c) => c.name));
    return [...inherited.filter((c) => !own.has(c.name)), ...table.columns];
  }

  /** What a column's values are, domains resolved to their base type. */
  resolve(column: Pick<ColumnDefinition, 'typeKey' | 'arrayDepth'>): ResolvedType {
    let { typeKey, arrayDepth } = column;
    let baseType: string | null = null;
    for (let hops = 0; hops < 16; hops++) {
      const domain = this.#domains.get(typeKey);
      if (domain === undefined) break;
      baseType = domain.type;
      typeKey = domain.typeKey;
      arrayDepth += domain.arrayDepth;
    }
    const kind: JsonKind = NUMBER_TYPES.has(typeKey)
      ? 'number'
      : BOOLEAN_TYPES.has(typeKey)
        ? 'boolean'
        : JSON_TYPES.has(typeKey)
          ? 'json'
          : 'string';
    return { kind, arrayDepth, baseType, typeKey, enumLabels: this.#enums.get(typeKey) ?? null };
  }

  dropColumn(ref: TableRef, column: string): void {
    const table = this.table(ref);
    if (table !== undefined) table.columns = table.columns.filter((c) => c.name !== column);
  }

  #create(sql: string, tokens: Token[]): void {
    let at = 1;
    while (isWord(tokens[at], 'global', 'local', 'temp', 'temporary', 'unlogged', 'foreign')) at++;
    if (isWord(tokens[at], 'table')) this.#createTable(sql, tokens, at + 1);
    else if (isWord(tokens[at], 'domain')) this.#createDomain(sql, tokens, at + 1);
    else if (isWord(tokens[at], 'type')) this.#createType(tokens, at + 1);
  }

  #createTable(sql: string, tokens: Token[], from: number): void {
    let at = from;
    if (isWord(tokens[at], 'if')) at += 3;
    const name = readName(tokens, at);
    if (name === undefined) return;
    const [ref, next] = name;
    const table: TableDefinition = { ref, columns: [], keys: [], partitionOf: null, inherits: [] };
    let after = next;
    if (isWord(tokens[next], 'partition') && isWord(tokens[next + 1], 'of')) {
      const parent = readName(tokens, next + 2);
      if (parent === undefined) return;
      table.partitionOf = parent[0];
      table.inherits.push(parent[0]);
      after = parent[1];
    }
    if (isPunct(tokens[after], '(')) {
      const close = closingParen(tokens, after);
      for (const element of splitTopLevel(tokens.slice(after + 1, close))) {
        this.#tableElement(sql, table, element);
      }
      after = close + 1;
    }
    if (isWord(tokens[after], 'inherits') && isPunct(tokens[after + 1], '(')) {
      const close = closingParen(tokens, after + 1);
      for (const part of splitTopLevel(tokens.slice(after + 2, close))) {
        const parent = readName(part, 0);
        if (parent !== undefined) table.inherits.push(parent[0]);
      }
    }
    this.#tables.set(qualifiedName(ref), table);
  }

  #tableElement(sql: string, table: TableDefinition, element: Token[]): void {
    if (isConstraintStart(element)) {
      const key = readKey(element);
      if (key !== undefined) table.keys.push({ name: keyName(element), ...key });
      return;
    }
    const name = element[0];
    if (!isIdentifier(name)) return;
    let typeEnd = 1;
    let depth = 0;
    while (typeEnd < element.length) {
      const token = element[typeEnd] as Token;
      if (isPunct(token, '(')) depth++;
      else if (isPunct(token, ')')) depth--;
      else if (depth === 0 && token.type === 'word' && COLUMN_CLAUSES.has(token.value)) break;
      typeEnd++;
    }
    let nullable = true;
    depth = 0;
    for (let i = typeEnd; i < element.length; i++) {
      const token = element[i] as Token;
      if (isPunct(token, '(')) depth++;
      else if (isPunct(token, ')')) depth--;
      else if (depth > 0) continue;
      else if (isWord(token, 'not') && isWord(element[i + 1], 'null')) nullable = false;
      else if (isWord(token, 'primary') && isWord(element[i + 1], 'key')) {
        nullable = false;
        table.keys.push({ name: '', kind: 'primary_key', columns: [name.value], references: null });
      } else if (isWord(token, 'identity')) nullable = false;
    }
    // In `CREATE TABLE … PARTITION OF`, an entry only adds constraints to an inherited column.
    if (table.partitionOf === null) {
      table.columns.push({ name: name.value, nullable, ...readType(sql, element, 1, typeEnd) });
      return;
    }
    const inherited = table.inherits.flatMap((p) => this.columnsOf(p)).find((c) => c.name === name.value);
    if (inherited !== undefined)
      table.columns.push({ ...inherited, nullable: nullable && inherited.nullable });
  }

  #createDomain(sql: string, tokens: Token[], from: number): void {
    const name = readName(tokens, from);
    if (name === undefined) return;
    let at = name[1];
    if (isWord(tokens[at], 'as')) at++;
    let end = at;
    while (
      end < tokens.length &&
      !(tokens[end]?.type === 'word' && DOMAIN_CLAUSES.has(tokens[end]?.value ?? ''))
    )
      end++;
    this.#domains.set(qualifiedName(name[0]), readType(sql, tokens, at, end));
  }

  #createType(tokens: Token[], from: number): void {
    const name = readName(tokens, from);
    if (name === undefined) return;
    const at = name[1];
    if (!isWord(tokens[at], 'as') || !isWord(tokens[at + 1], 'enum') || !isPunct(tokens[at + 2], '(')) return;
    const close = closingParen(tokens, at + 2);
    const labels = tokens
      .slice(at + 3, close)
      .filter((t) => t.type === 'string')
      .map((t) => t.value);
    this.#enums.set(qualifiedName(name[0]), labels);
  }

  #alterTable(tokens: Token[]): void {
    let at = 2;
    if (isWord(tokens[at], 'if') && isWord(tokens[at + 1], 'exists')) at += 2;
    if (isWord(tokens[at], 'only')) at++;
    const name = readName(tokens, at);
    if (name === undefined) return;
    const table = this.table(name[0]);
    if (table === undefined) return;
    for (const action of splitTopLevel(tokens.slice(name[1]))) {
      if (isWord(action[0], 'add')) {
        const body = action.slice(1);
        const key = readKey(body);
        if (key !== undefined) table.keys.push({ name: keyName(body), ...key });
      } else if (isWord(action[0], 'alter')) {
        const column = isWord(action[1], 'column') ? action[2] : action[1];
        const rest = action.slice(isWord(action[1], 'column') ? 3 : 2);
        const definition = table.columns.find((c) => isIdentifier(column) && c.name === column.value);
        if (definition === undefined) continue;
        if (isWord(rest[0], 'set') && isWord(rest[1], 'not') && isWord(rest[2], 'null'))
          definition.nullable = false;
        else if (isWord(rest[0], 'drop') && isWord(rest[1], 'not') && isWord(rest[2], 'null'))
          definition.nullable = true;
        else if (isWord(rest[0], 'add') && isWord(rest[1], 'generated')) definition.nullable = false;
      } else if (isWord(action[0], 'attach') && isWord(action[1], 'partition')) {
        const partition = readName(action, 2);
        const child = partition === undefined ? undefined : this.table(partition[0]);
        if (child !== undefined) child.partitionOf = table.ref;
      } else if (isWord(action[0], 'inherit')) {
        const parent = readName(action, 1);
        if (parent !== undefined) table.inherits.push(parent[0]);
      }
    }
  }
}

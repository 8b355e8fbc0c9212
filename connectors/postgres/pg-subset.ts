import {
  GatewayError,
  qualifiedName,
  type ReadRequest,
  type SubsetClosure,
  type SubsetPull,
  type SubsetRelation,
  type SubsetRequest,
  type SubsetTable,
  type TableRef,
} from '../../src/core/index.js';
import { quoteIdent, quoteTable } from './catalog.js';

/**
 * Referential closure computed in the source, inside the session's snapshot: one temporary table of kept
 * keys per table (`pg_temp.lk_keep_<i>`) and one of excluded keys (`pg_temp.lk_ban_<i>`), grown by
 * semi-naive fixed-point rounds (each round joins only the rows the previous round added). Rows never
 * enter the process: only counts come back. Reads then filter each table by its kept keys.
 *
 * The connection must be in a REPEATABLE READ transaction that may create temporary tables and that
 * holds the snapshot the copy reads (a server connection importing the exporting session's snapshot, or
 * the PGlite session's own transaction), so the closure and the copy see the same rows.
 */

/**
 * What the closure needs of a connection: SQL with positional parameters, rows back. node-postgres'
 * `Client` and PGlite both have this `query`, so one closure serves both sources.
 */
export interface SubsetConnection {
  query<T extends object>(sql: string, params?: unknown[]): Promise<{ readonly rows: T[] }>;
}

/** Rounds after which a graph is assumed not to converge (a chain of self-references this deep). */
const MAX_ROUNDS = 100_000;
/** A keep table that grew by more than this in a round gets fresh statistics for the next round's joins. */
const ANALYZE_AFTER_ROWS = 1_000;

interface Node {
  readonly index: number;
  readonly spec: SubsetTable;
  readonly keep: string;
  readonly ban: string;
  readonly keyColumns: readonly string[];
}

export class PgSubset {
  readonly #client: SubsetConnection;
  readonly #label: string;
  #nodes = new Map<string, Node>();
  /** Partition or table name → the node whose kept keys filter it. */
  #readers = new Map<string, Node>();
  #shape: string | null = null;
  #exclusionKey: string | null = null;
  #excluded: SubsetClosure['excluded'] = [];
  #banned = new Set<number>();

  constructor(client: SubsetConnection, label: string) {
    this.#client = client;
    this.#label = label;
  }

  async compute(request: SubsetRequest, signal: AbortSignal): Promise<SubsetClosure> {
    const check = (): void => {
      if (signal.aborted) throw new GatewayError('cancelled', 'cancelled while computing the subset');
    };
    await this.#prepare(request.tables, check);
    await this.#computeExclusions(request, check);

    for (const node of this.#nodes.values()) await this.#run(`TRUNCATE ${node.keep}`);
    const selected = new Map<number, number>();
    for (const target of request.targets) {
      check();
      const node = this.#node(target.table);
      const n = await this.#seed(node, target, request);
      selected.set(node.index, (selected.get(node.index) ?? 0) + n);
    }
    await this.#analyze([...selected.keys()]);

    const pulls = new Map<string, { pull: Omit<SubsetPull, 'rows'>; rows: number }>();
    const count = (relation: SubsetRelation, direction: 'up' | 'down', rows: number): void => {
      const [from, to] =
        direction === 'up' ? [relation.child, relation.parent] : [relation.parent, relation.child];
      const key = `${relation.name}\0${direction}`;
      const entry = pulls.get(key) ?? { pull: { relation: relation.name, from, to, direction }, rows: 0 };
      entry.rows += rows;
      pulls.set(key, entry);
    };
    let rounds = 0;
    // Tables that gained rows in the previous round: only their relations can add anything now.
    let changed = new Set(selected.keys());
    for (let round = 1; ; round++) {
      if (round > MAX_ROUNDS)
        throw new GatewayError('source_read_failed', `${this.#label}: the subset did not converge`);
      const grown = new Map<number, number>();
      for (const relation of request.relations) {
        check();
        const child = this.#node(relation.child);
        const parent = this.#node(relation.parent);
        const up = changed.has(child.index) ? await this.#pullUp(relation, child, parent, round) : 0;
        if (up > 0) {
          count(relation, 'up', up);
          grown.set(parent.index, (grown.get(parent.index) ?? 0) + up);
        }
        if (!relation.down || !changed.has(parent.index)) continue;
        const down = await this.#pullDown(relation, child, parent, round, request.seed);
        if (down > 0) {
          count(relation, 'down', down);
          grown.set(child.index, (grown.get(child.index) ?? 0) + down);
        }
      }
      rounds = round;
      if (grown.size === 0) break;
      changed = new Set(grown.keys());
      await this.#analyze([...grown].filter(([, n]) => n > ANALYZE_AFTER_ROWS).map(([i]) => i));
    }

    const tables = [];
    for (const node of this.#nodes.values()) {
      check();
      tables.push({ table: node.spec.table, ...(await this.#measure(node)) });
    }
    return {
      tables,
      selected: [...selected].map(([i, rows]) => ({ table: this.#byIndex(i).spec.table, rows })),
      pulls: [...pulls.values()].map(({ pull, rows }) => ({ ...pull, rows })),
      excluded: this.#excluded,
      rounds,
    };
  }

  /** The read restricted to the kept rows; tables outside the subset are read as asked. */
  restrict(request: ReadRequest): ReadRequest {
    const node = this.#readers.get(qualifiedName(request.table));
    if (node === undefined) return request;
    const keys = node.spec.key === null ? ['ctid'] : node.spec.key.map(quoteIdent);
    const predicate = `(${keys.join(', ')}) IN (SELECT ${node.keyColumns.join(', ')} FROM ${node.keep})`;
    return {
      ...request,
      where: request.where === undefined ? predicate : `(${request.where}) AND ${predicate}`,
    };
  }

  async #prepare(tables: readonly SubsetTable[], check: () => void): Promise<void> {
    const shape = JSON.stringify(tables.map((t) => [t.table, t.kind, t.key]));
    if (shape === this.#shape) return;
    for (const node of this.#nodes.values()) {
      await this.#run(`DROP TABLE IF EXISTS ${node.keep}, ${node.ban}`);
    }
    this.#nodes = new Map();
    this.#readers = new Map();
    this.#exclusionKey = null;
    for (const [index, spec] of tables.entries()) {
      check();
      const width = spec.key === null ? 1 : spec.key.length;
      if (width === 0)
        throw new GatewayError('internal', `subset key of ${qualifiedName(spec.table)} is empty`);
      const node: Node = {
        index,
        spec,
        keep: `pg_temp.lk_keep_${index}`,
        ban: `pg_temp.lk_ban_${index}`,
        keyColumns: Array.from({ length: width }, (_, i) => `k${i}`),
      };
      const keys = this.#keys(node, 't')
        .map((expr, i) => `${expr} AS k${i}`)
        .join(', ');
      const columns = node.keyColumns.join(', ');
      await this.#run(
        `CREATE TEMP TABLE lk_keep_${index} AS SELECT ${keys}, 0 AS round, true AS down FROM ${from(spec)} t WITH NO DATA`,
      );
      await this.#run(`ALTER TABLE ${node.keep} ADD PRIMARY KEY (${columns})`);
      await this.#run(
        `CREATE TEMP TABLE lk_ban_${index} AS SELECT ${keys}, 0 AS round FROM ${from(spec)} t WITH NO DATA`,
      );
      await this.#run(`ALTER TABLE ${node.ban} ADD PRIMARY KEY (${columns})`);
      this.#nodes.set(qualifiedName(spec.table), node);
      this.#readers.set(qualifiedName(spec.table), node);
      for (const partition of spec.partitions) this.#readers.set(qualifiedName(partition), node);
    }
    this.#shape = shape;
  }

  /** Suppressed rows and rows outside a row filter, then every row referencing them, over every relation. */
  async #computeExclusions(request: SubsetRequest, check: () => void): Promise<void> {
    const key = JSON.stringify([
      request.relations.map((r) => [r.child, r.childColumns, r.parent, r.parentColumns]),
      request.tables.map((t) => t.where),
      request.suppress,
      request.suppressionKey?.toString('hex') ?? null,
    ]);
    if (key === this.#exclusionKey) return;
    const listed = new Map<number, number>();
    const add = (index: number, n: number): void => {
      if (n > 0) listed.set(index, (listed.get(index) ?? 0) + n);
    };
    for (const node of this.#nodes.values()) {
      await this.#run(`TRUNCATE ${node.ban}`);
      if (node.spec.where === null) continue;
      check();
      add(
        node.index,
        await this.#insertCount(
          `INSERT INTO ${node.ban} SELECT ${this.#keys(node, 't').join(', ')}, 0 FROM ${from(node.spec)} t
            WHERE NOT coalesce((${node.spec.where}), false) ON CONFLICT DO NOTHING`,
        ),
      );
    }
    const pads = request.suppressionKey === null ? null : hmacPads(request.suppressionKey);
    for (const entry of request.suppress) {
      check();
      const node = this.#node(entry.table);
      const value = `(t.${quoteIdent(entry.column)})::text`;
      const tests = [`${value} = ANY($1::text[])`];
      const params: unknown[] = [entry.values];
      if (entry.hashes.length > 0) {
        if (pads === null) throw new GatewayError('internal', 'suppression hashes need a key');
        tests.push(
          `encode(sha256($2::bytea || sha256($3::bytea || convert_to(${value}, 'UTF8'))), 'hex') = ANY($4::text[])`,
        );
        params.push(pads.outer, pads.inner, entry.hashes);
      }
      add(
        node.index,
        await this.#insertCount(
          `INSERT INTO ${node.ban} SELECT ${this.#keys(node, 't').join(', ')}, 0 FROM ${from(node.spec)} t
            WHERE ${tests.join(' OR ')} ON CONFLICT DO NOTHING`,
          params,
        ),
      );
    }
    const total = new Map(listed);
    let changed = new Set(listed.keys());
    for (let round = 1; changed.size > 0; round++) {
      if (round > MAX_ROUNDS)
        throw new GatewayError('source_read_failed', `${this.#label}: the exclusions did not converge`);
      const grew = new Set<number>();
      for (const relation of request.relations) {
        check();
        const child = this.#node(relation.child);
        const parent = this.#node(relation.parent);
        if (!changed.has(parent.index)) continue;
        const n = await this.#insertCount(
          `INSERT INTO ${child.ban} SELECT ${this.#keys(child, 'c').join(', ')}, $1 FROM ${from(child.spec)} c
            WHERE (${columnsOf('c', relation.childColumns)}) IN (
              SELECT ${columnsOf('p', relation.parentColumns)} FROM ${from(parent.spec)} p
                JOIN ${parent.ban} d ON ${this.#matches(parent, 'p', 'd')} WHERE d.round = $2)
            ON CONFLICT DO NOTHING`,
          [round, round - 1],
        );
        if (n > 0) {
          grew.add(child.index);
          total.set(child.index, (total.get(child.index) ?? 0) + n);
        }
      }
      changed = grew;
    }
    this.#banned = new Set(total.keys());
    this.#excluded = [...total].map(([index, rows]) => ({
      table: this.#byIndex(index).spec.table,
      listed: listed.get(index) ?? 0,
      referencing: rows - (listed.get(index) ?? 0),
    }));
    this.#exclusionKey = key;
  }

  async #seed(node: Node, target: SubsetRequest['targets'][number], request: SubsetRequest): Promise<number> {
    const fraction = Math.min(1, target.fraction * request.scale);
    const rows = target.rows === null ? null : Math.floor(target.rows * request.scale);
    if (fraction <= 0 || rows === 0) return 0;
    const sampled = fraction < 1 || rows !== null;
    const order = this.#order(node, 't', '$1');
    const conditions = [
      ...(target.where === null ? [] : [`(${target.where})`]),
      ...(fraction < 1 ? [`${unitInterval(order)} < $2::float8`] : []),
      ...this.#notBanned(node, 't'),
    ];
    const keys = this.#keys(node, 't');
    // Unused parameters have no type: bind only what the statement mentions.
    const params = !sampled ? [] : fraction < 1 ? [request.seed, fraction] : [request.seed];
    return this.#insertCount(
      `INSERT INTO ${node.keep} (${node.keyColumns.join(', ')}, round, down)
       SELECT ${keys.join(', ')}, 0, true FROM ${from(node.spec)} t
        WHERE ${conditions.length === 0 ? 'true' : conditions.join(' AND ')}
        ${rows === null ? '' : `ORDER BY ${order} COLLATE "C" LIMIT ${rows}`}
       ON CONFLICT DO NOTHING`,
      params,
    );
  }

  /** Rows of `parent` referenced by the child rows the previous round added. */
  #pullUp(relation: SubsetRelation, child: Node, parent: Node, round: number): Promise<number> {
    return this.#insertCount(
      `INSERT INTO ${parent.keep} (${parent.keyColumns.join(', ')}, round, down)
       SELECT ${this.#keys(parent, 'p').join(', ')}, $1, false FROM ${from(parent.spec)} p
        WHERE (${columnsOf('p', relation.parentColumns)}) IN (
          SELECT ${columnsOf('c', relation.childColumns)} FROM ${from(child.spec)} c
            JOIN ${child.keep} d ON ${this.#matches(child, 'c', 'd')} WHERE d.round = $2)
       ON CONFLICT DO NOTHING`,
      [round, round - 1],
    );
  }

  /** Rows of `child` referencing parent rows that the previous round selected or pulled down. */
  #pullDown(
    relation: SubsetRelation,
    child: Node,
    parent: Node,
    round: number,
    seed: string,
  ): Promise<number> {
    const keys = this.#keys(child, 'c').map((expr, i) => `${expr} AS k${i}`);
    const ranked =
      relation.limit === null
        ? ''
        : `, row_number() OVER (PARTITION BY ${columnsOf('c', relation.childColumns)}
             ORDER BY ${this.#order(child, 'c', '$3')} COLLATE "C") AS lk_rank`;
    const columns = child.keyColumns.join(', ');
    return this.#insertCount(
      `INSERT INTO ${child.keep} AS kept (${columns}, round, down)
       SELECT ${columns}, $1, true FROM (
         SELECT ${keys.join(', ')}${ranked} FROM ${from(child.spec)} c
          WHERE (${columnsOf('c', relation.childColumns)}) IN (
            SELECT ${columnsOf('p', relation.parentColumns)} FROM ${from(parent.spec)} p
              JOIN ${parent.keep} d ON ${this.#matches(parent, 'p', 'd')} WHERE d.round = $2 AND d.down)
          ${this.#notBanned(child, 'c')
            .map((c) => `AND ${c}`)
            .join(' ')}) x
        ${relation.limit === null ? '' : `WHERE lk_rank <= ${relation.limit}`}
       ON CONFLICT (${columns}) DO UPDATE SET round = EXCLUDED.round, down = true WHERE NOT kept.down`,
      [round, round - 1, ...(relation.limit === null ? [] : [seed])],
    );
  }

  async #measure(node: Node): Promise<{ rows: number; bytes: number }> {
    const [counted] = await this.#query<{ n: string }>(`SELECT count(*)::int8 AS n FROM ${node.keep}`);
    if (Number(counted?.n ?? 0) === 0) return { rows: 0, bytes: 0 };
    const [row] = await this.#query<{ rows: string; bytes: string }>(
      `SELECT count(*)::int8 AS rows, coalesce(sum(pg_column_size(t.*)), 0)::int8 AS bytes
         FROM ${from(node.spec)} t
        WHERE (${this.#keys(node, 't').join(', ')}) IN (SELECT ${node.keyColumns.join(', ')} FROM ${node.keep})`,
    );
    return { rows: Number(row?.rows ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  async #analyze(indexes: readonly number[]): Promise<void> {
    for (const index of indexes) await this.#run(`ANALYZE ${this.#byIndex(index).keep}`);
  }

  /** Key expressions of a row of `node` under `alias`: its key columns, or its physical row id. */
  #keys(node: Node, alias: string): string[] {
    return node.spec.key === null ? [`${alias}.ctid`] : node.spec.key.map((c) => `${alias}.${quoteIdent(c)}`);
  }

  #matches(node: Node, alias: string, keepAlias: string): string {
    return `(${this.#keys(node, alias).join(', ')}) = (${node.keyColumns.map((k) => `${keepAlias}.${k}`).join(', ')})`;
  }

  /** The seeded order: md5 of the seed (bound as parameter `seedParam`) and the row's key. */
  #order(node: Node, alias: string, seedParam: string): string {
    const key = this.#keys(node, alias);
    const text = key.length === 1 ? `(${key[0] ?? ''})::text` : `row(${key.join(', ')})::text`;
    return `md5(${seedParam}::text || ':' || ${text})`;
  }

  #notBanned(node: Node, alias: string): string[] {
    if (!this.#banned.has(node.index)) return [];
    return [`NOT EXISTS (SELECT 1 FROM ${node.ban} b WHERE ${this.#matches(node, alias, 'b')})`];
  }

  #node(table: TableRef): Node {
    const node = this.#nodes.get(qualifiedName(table));
    if (node === undefined)
      throw new GatewayError('internal', `subset names ${qualifiedName(table)}, which is not in its tables`);
    return node;
  }

  #byIndex(index: number): Node {
    for (const node of this.#nodes.values()) if (node.index === index) return node;
    throw new GatewayError('internal', `no subset table ${index}`);
  }

  async #insertCount(sql: string, params: readonly unknown[] = []): Promise<number> {
    const [row] = await this.#query<{ n: string }>(
      `WITH lk_inserted AS (${sql} RETURNING 1) SELECT count(*)::int8 AS n FROM lk_inserted`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  async #run(sql: string): Promise<void> {
    await this.#client.query(sql);
  }

  async #query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.#client.query<T>(sql, [...params])).rows;
  }
}

function from(spec: SubsetTable): string {
  // A partitioned table reads through its partitions; a plain table only itself (not inheritance children).
  return spec.kind === 'partitioned' ? quoteTable(spec.table) : `ONLY ${quoteTable(spec.table)}`;
}

function columnsOf(alias: string, columns: readonly string[]): string {
  return columns.map((c) => `${alias}.${quoteIdent(c)}`).join(', ');
}

/** A hex md5 as a number in [0, 1): the first 13 hex digits (52 bits) over 2^52. */
function unitInterval(md5: string): string {
  return `(('x' || substr(${md5}, 1, 13))::bit(52)::int8::float8 / 4503599627370496.0)`;
}

/** HMAC-SHA256's inner and outer padded keys, so the server computes the HMAC with sha256() alone. */
function hmacPads(key: Buffer): { inner: Buffer; outer: Buffer } {
  if (key.length > 64) throw new GatewayError('internal', 'suppression key longer than a SHA-256 block');
  const block = Buffer.alloc(64);
  key.copy(block);
  return {
    inner: Buffer.from(block.map((b) => b ^ 0x36)),
    outer: Buffer.from(block.map((b) => b ^ 0x5c)),
  };
}

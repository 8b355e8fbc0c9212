import {
  GatewayError,
  parseTableName,
  qualifiedName,
  type DatabaseSchema,
  type SubsetRelation,
  type SubsetRequest,
  type SubsetSuppression,
  type SubsetTable,
  type SubsetTarget,
  type TableInfo,
  type TableRef,
} from '../core/index.js';
import type { Plan, SubsetPolicy } from '../policy/index.js';

/**
 * Plan × schema × subset settings → what the source computes, purely. Tables are the plan's roots
 * (partitions are read through their partitioned table); relations are the declared foreign keys between
 * them plus the policy's virtual ones; names in the settings are checked against the schema.
 */
export function buildSubsetRequest(
  schema: DatabaseSchema,
  plan: Plan,
  settings: SubsetPolicy,
  suppressionKey: Buffer | null,
): SubsetRequest {
  const infoByName = new Map(schema.tables.map((t) => [qualifiedName(t.ref), t]));
  const rootOf = (table: TableRef): TableRef => {
    const seen = new Set<string>();
    let current = infoByName.get(qualifiedName(table));
    // Up through every level: a sub-partitioned table is itself partitioned and a partition.
    while (current !== undefined && current.parent !== null && !seen.has(qualifiedName(current.ref))) {
      seen.add(qualifiedName(current.ref));
      const parent = infoByName.get(qualifiedName(current.parent));
      if (parent === undefined) return current.parent;
      current = parent;
    }
    return current?.ref ?? table;
  };

  const tables: SubsetTable[] = [];
  const nodes = new Map<string, TableInfo>();
  for (const planned of plan.tables) {
    if (planned.kind === 'partition') continue;
    const info = infoByName.get(qualifiedName(planned.table));
    if (info === undefined) continue;
    const partitions = plan.tables
      .filter(
        (t) => t.kind === 'partition' && qualifiedName(rootOf(t.table)) === qualifiedName(planned.table),
      )
      .map((t) => t.table);
    const key = rowKey(info);
    if (key === null && info.kind === 'partitioned') {
      throw new GatewayError(
        'preflight_failed',
        `subset: ${qualifiedName(info.ref)} is partitioned and has no primary key or NOT NULL unique key to identify its rows`,
        { table: qualifiedName(info.ref) },
      );
    }
    tables.push({
      table: info.ref,
      kind: info.kind === 'partitioned' ? 'partitioned' : 'table',
      key,
      partitions,
      where: planned.where,
    });
    nodes.set(qualifiedName(info.ref), info);
  }

  const node = (name: string, path: string): TableInfo => {
    const info = nodes.get(qualifiedName(parseTableName(name)));
    if (info === undefined) {
      throw new GatewayError(
        'policy_unknown_table',
        `subset.${path}: ${qualifiedName(parseTableName(name))} is not a table this snapshot copies`,
        { table: qualifiedName(parseTableName(name)), path: `subset.${path}` },
      );
    }
    return info;
  };
  const columns = (info: TableInfo, names: readonly string[], path: string): readonly string[] => {
    for (const name of names) {
      if (!info.columns.some((c) => c.name === name)) {
        throw new GatewayError(
          'policy_unknown_column',
          `subset.${path}: ${qualifiedName(info.ref)} has no column ${name}`,
          { table: qualifiedName(info.ref), column: name, path: `subset.${path}` },
        );
      }
    }
    return names;
  };

  const relations = declaredRelations(schema, nodes, rootOf, settings.follow_children);
  settings.virtual_foreign_keys.forEach((v, i) => {
    const path = `virtual_foreign_keys[${i}]`;
    const child = node(v.table, path);
    const parent = node(v.references.table, `${path}.references`);
    if (v.columns.length !== v.references.columns.length) {
      throw new GatewayError(
        'policy_invalid',
        `subset.${path}: ${v.columns.length} column(s) reference ${v.references.columns.length} column(s)`,
        { path: `subset.${path}` },
      );
    }
    relations.push({
      name: `virtual:${qualifiedName(child.ref)}(${v.columns.join(',')})`,
      child: child.ref,
      childColumns: columns(child, v.columns, `${path}.columns`),
      parent: parent.ref,
      parentColumns: columns(parent, v.references.columns, `${path}.references.columns`),
      down: settings.follow_children,
      limit: null,
    });
  });

  settings.follow.forEach((f, i) => {
    const path = `follow[${i}]`;
    const parent = node(f.from, `${path}.from`);
    const child = node(f.to, `${path}.to`);
    if (f.columns !== undefined) columns(child, f.columns, `${path}.columns`);
    const matching = relations
      .map((r, index) => ({ r, index }))
      .filter(
        ({ r }) =>
          qualifiedName(r.parent) === qualifiedName(parent.ref) &&
          qualifiedName(r.child) === qualifiedName(child.ref) &&
          (f.columns === undefined || sameList(r.childColumns, f.columns)),
      );
    if (matching.length === 0) {
      throw new GatewayError(
        'policy_invalid',
        `subset.${path}: no foreign key from ${qualifiedName(child.ref)} references ${qualifiedName(parent.ref)}${f.columns === undefined ? '' : ` through (${f.columns.join(', ')})`}`,
        { path: `subset.${path}` },
      );
    }
    if (matching.length > 1 && f.columns === undefined) {
      throw new GatewayError(
        'policy_invalid',
        `subset.${path}: ${matching.length} foreign keys from ${qualifiedName(child.ref)} reference ${qualifiedName(parent.ref)}; name the child's columns`,
        { path: `subset.${path}` },
      );
    }
    for (const { r, index } of matching) {
      relations[index] = { ...r, down: f.enabled, limit: f.limit ?? null };
    }
  });

  const targets: SubsetTarget[] = settings.targets.map((t, i) => ({
    table: node(t.table, `targets[${i}].table`).ref,
    where: t.where ?? null,
    fraction: (t.percent ?? 100) / 100,
    rows: t.rows ?? null,
  }));

  const suppress: SubsetSuppression[] = settings.suppress.map((s, i) => {
    if (s.hashes_file !== undefined)
      throw new GatewayError(
        'usage',
        `subset.suppress[${i}].hashes_file was not read: load the policy from its file (loadPolicy) so the file can be found`,
      );
    const info = node(s.table, `suppress[${i}].table`);
    const [column = s.column] = columns(info, [s.column], `suppress[${i}].column`);
    return { table: info.ref, column, values: s.values, hashes: s.hashes.map((h) => h.toLowerCase()) };
  });
  const needsKey = suppress.some((s) => s.hashes.length > 0);
  if (needsKey && suppressionKey === null) {
    throw new GatewayError(
      'secret_missing',
      'subset.suppress lists hashes: the job’s key is needed to test them',
    );
  }

  return {
    tables,
    relations,
    targets,
    suppress,
    seed: settings.seed,
    scale: 1,
    suppressionKey: needsKey ? suppressionKey : null,
  };
}

/** Primary key, else the first unique column set whose columns are all NOT NULL, else none. */
export function rowKey(info: TableInfo): readonly string[] | null {
  const primary = info.constraints.find((c) => c.kind === 'primary_key');
  if (primary !== undefined && primary.columns.length > 0) return primary.columns;
  const notNull = new Set(info.columns.filter((c) => !c.isNullable).map((c) => c.name));
  return info.uniqueColumnSets.find((set) => set.length > 0 && set.every((c) => notNull.has(c))) ?? null;
}

/**
 * Foreign keys between the subset's tables, attributed to the partitioned roots (a key declared on each
 * partition becomes one relation of the root), deduplicated, in a stable order.
 */
function declaredRelations(
  schema: DatabaseSchema,
  nodes: ReadonlyMap<string, TableInfo>,
  rootOf: (table: TableRef) => TableRef,
  down: boolean,
): SubsetRelation[] {
  const relations = new Map<string, SubsetRelation>();
  for (const table of schema.tables) {
    const child = rootOf(table.ref);
    if (!nodes.has(qualifiedName(child))) continue;
    for (const constraint of [...table.constraints].sort((a, b) => a.name.localeCompare(b.name))) {
      if (constraint.kind !== 'foreign_key' || constraint.references === null) continue;
      const parent = rootOf(constraint.references.table);
      if (!nodes.has(qualifiedName(parent))) continue;
      const key = JSON.stringify([
        qualifiedName(child),
        constraint.columns,
        qualifiedName(parent),
        constraint.references.columns,
      ]);
      if (relations.has(key)) continue;
      relations.set(key, {
        name: constraint.name,
        child,
        childColumns: constraint.columns,
        parent,
        parentColumns: constraint.references.columns,
        down,
        limit: null,
      });
    }
  }
  return [...relations.values()].sort(
    (a, b) => qualifiedName(a.child).localeCompare(qualifiedName(b.child)) || a.name.localeCompare(b.name),
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

import { qualifiedName } from '../core/index.js';
import type { DatabaseSchema, TableRef } from '../core/index.js';

/** "`from` must be loaded before `to`": `to` holds a foreign key `constraint` that references `from`. */
export interface LoadDependency {
  readonly from: TableRef;
  readonly to: TableRef;
  readonly constraint: string;
}

/** A dependency the order could not honour: the referencing rows arrive before (or with) the referenced ones. */
export interface DeferredDependency extends LoadDependency {
  readonly reason: 'self_reference' | 'cycle';
}

export interface LoadOrder {
  /** Every table of the schema, referenced tables before the tables that reference them. */
  readonly order: readonly TableRef[];
  /** Self references and the edges removed to break cycles, in the order they were removed. */
  readonly deferred: readonly DeferredDependency[];
}

/** Tables in load order: parents before children by foreign keys. Cycles are broken deterministically. */
export function loadOrder(schema: DatabaseSchema): TableRef[] {
  return [...resolveLoadOrder(schema).order];
}

/**
 * Kahn's algorithm over foreign keys, taking the alphabetically first ready table each step so the result
 * does not depend on the order of `schema.tables`. A partitioned table is placed after its partitions (its
 * rows live there, so whatever references it must wait for them). When every remaining table waits on
 * another, the cycle is broken inside the first strongly connected component that nothing outside waits
 * on: at its table with the fewest incoming edges (then by name), whose incoming edges from that
 * component are deferred and reported.
 */
export function resolveLoadOrder(schema: DatabaseSchema): LoadOrder {
  const refs = new Map<string, TableRef>();
  for (const t of schema.tables) refs.set(qualifiedName(t.ref), t.ref);
  const names = [...refs.keys()].sort(compare);

  const deferred: DeferredDependency[] = [];
  /** incoming.get(to).get(from) = constraint names, sorted. */
  const incoming = new Map<string, Map<string, string[]>>(names.map((n) => [n, new Map()]));
  const addEdge = (from: string, to: string, constraint: string): void => {
    const sources = incoming.get(to);
    if (sources === undefined || !refs.has(from)) return;
    sources.set(from, [...(sources.get(from) ?? []), constraint].sort(compare));
  };
  for (const table of [...schema.tables].sort((a, b) =>
    compare(qualifiedName(a.ref), qualifiedName(b.ref)),
  )) {
    const to = qualifiedName(table.ref);
    for (const c of [...table.constraints].sort((a, b) => compare(a.name, b.name))) {
      if (c.kind !== 'foreign_key' || c.references === null) continue;
      const from = qualifiedName(c.references.table);
      if (from === to)
        deferred.push({ from: table.ref, to: table.ref, constraint: c.name, reason: 'self_reference' });
      else addEdge(from, to, c.name);
    }
    if (table.kind === 'partition' && table.parent !== null) {
      addEdge(to, qualifiedName(table.parent), `partition of ${qualifiedName(table.parent)}`);
    }
  }

  const remaining = new Set(names);
  const order: TableRef[] = [];
  const ref = (name: string): TableRef => refs.get(name) ?? { schema: '', name };
  const waitingOn = (name: string): string[] =>
    [...(incoming.get(name)?.keys() ?? [])].filter((from) => remaining.has(from));

  const waiting = new Map(names.map((n) => [n, incoming.get(n)?.size ?? 0]));
  const dependants = new Map<string, string[]>();
  for (const [to, sources] of incoming) {
    for (const from of sources.keys()) dependants.set(from, [...(dependants.get(from) ?? []), to]);
  }
  /** Tables waiting on nothing, kept sorted so the alphabetically first is taken. */
  const ready = names.filter((n) => waiting.get(n) === 0);
  const markReady = (name: string): void => {
    let low = 0;
    let high = ready.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(ready[mid] ?? '', name) < 0) low = mid + 1;
      else high = mid;
    }
    ready.splice(low, 0, name);
  };

  while (remaining.size > 0) {
    const next = ready.shift();
    if (next !== undefined) {
      remaining.delete(next);
      order.push(ref(next));
      for (const dependant of dependants.get(next) ?? []) {
        const left = (waiting.get(dependant) ?? 0) - 1;
        waiting.set(dependant, left);
        if (left === 0 && remaining.has(dependant)) markReady(dependant);
      }
      continue;
    }
    const component = firstSourceComponent([...remaining].sort(compare), waitingOn);
    const inside = new Set(component);
    const breakAt = [...component].sort(
      (a, b) =>
        waitingOn(a).filter((f) => inside.has(f)).length - waitingOn(b).filter((f) => inside.has(f)).length ||
        compare(a, b),
    )[0];
    if (breakAt === undefined) break; // unreachable: a stalled graph has a non-empty component
    const sources = incoming.get(breakAt) ?? new Map<string, string[]>();
    for (const from of [...sources.keys()].sort(compare)) {
      if (!inside.has(from)) continue;
      for (const constraint of sources.get(from) ?? []) {
        deferred.push({ from: ref(from), to: ref(breakAt), constraint, reason: 'cycle' });
      }
      sources.delete(from);
      waiting.set(breakAt, (waiting.get(breakAt) ?? 0) - 1);
    }
    // Every table this one still waited on was inside its component, which nothing outside feeds.
    if (waiting.get(breakAt) === 0) markReady(breakAt);
  }
  return { order, deferred };
}

/**
 * Tarjan's strongly connected components over the remaining tables (edge: dependency → dependant), then the
 * first component, by its smallest name, that no other component points into.
 */
function firstSourceComponent(nodes: readonly string[], waitingOn: (name: string) => string[]): string[] {
  const dependants = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const n of nodes) for (const from of waitingOn(n)) dependants.get(from)?.push(n);

  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of dependants.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) {
          onStack.delete(w);
          component.push(w);
        }
      } while (w !== undefined && w !== v);
      components.push(component.sort(compare));
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);

  const componentOf = new Map<string, number>();
  components.forEach((c, i) => c.forEach((n) => componentOf.set(n, i)));
  const sources = components.filter((c, i) =>
    c.every((n) => waitingOn(n).every((from) => componentOf.get(from) === i)),
  );
  sources.sort((a, b) => compare(a[0] ?? '', b[0] ?? ''));
  return sources[0] ?? [];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

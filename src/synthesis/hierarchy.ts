import { drawSparse, shuffle, type SeededRandom } from './seeded-random.js';
import type { HierarchyModel } from './synthesis-model.js';

/**
 * The forest a self-referencing foreign key draws in the sample (employee.manager_id, category.parent_id):
 * nodes per depth and children per node at each depth. Rows whose reference is NULL or points outside the
 * sample are roots. Null when following the references loops (the source has cycles: such a table keeps
 * the plain child-count model, which may close cycles as the source does).
 */
export function fitHierarchy(
  childKeys: readonly (string | null)[],
  ownKeys: readonly (string | null)[],
): HierarchyModel | null {
  const rows = childKeys.length;
  const rowByKey = new Map<string, number>();
  ownKeys.forEach((key, i) => {
    if (key !== null) rowByKey.set(key, i);
  });
  const parent = new Int32Array(rows).fill(-1);
  for (let i = 0; i < rows; i++) {
    const key = childKeys[i] ?? null;
    const j = key === null ? undefined : rowByKey.get(key);
    if (j !== undefined) parent[i] = j;
  }
  const depth = new Int32Array(rows).fill(-1);
  const path: number[] = [];
  for (let i = 0; i < rows; i++) {
    if ((depth[i] as number) !== -1) continue;
    path.length = 0;
    let node = i;
    const onPath = new Set<number>();
    while (node !== -1 && (depth[node] as number) === -1) {
      if (onPath.has(node)) return null; // a cycle
      onPath.add(node);
      path.push(node);
      node = parent[node] as number;
    }
    let d = node === -1 ? -1 : (depth[node] as number);
    for (let p = path.length - 1; p >= 0; p--) depth[path[p] as number] = ++d;
  }
  const nodes = new Map<number, number>();
  const children = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const d = depth[i] as number;
    nodes.set(d, (nodes.get(d) ?? 0) + 1);
    const p = parent[i] as number;
    if (p !== -1) children[p] = (children[p] as number) + 1;
  }
  const byDepth = new Map<number, Map<number, number>>();
  for (let i = 0; i < rows; i++) {
    const d = depth[i] as number;
    const histogram = byDepth.get(d) ?? new Map<number, number>();
    byDepth.set(d, histogram);
    const c = children[i] as number;
    histogram.set(c, (histogram.get(c) ?? 0) + 1);
  }
  const sparse = (m: ReadonlyMap<number, number>): number[] =>
    [...m.entries()].sort((a, b) => a[0] - b[0]).flat();
  const childrenByDepth: Record<string, number[]> = {};
  for (const [d, histogram] of [...byDepth.entries()].sort((a, b) => a[0] - b[0]))
    childrenByDepth[String(d)] = sparse(histogram);
  return { depths: sparse(nodes), childrenByDepth };
}

/**
 * Parent row per row (-1: a root) of a forest of `rows` nodes: nodes per depth scaled from the model,
 * rows numbered level by level (a parent always comes before its children, so there is no cycle), each
 * level's nodes spread over the previous level by that depth's children-per-node histogram.
 */
export function drawForest(model: HierarchyModel, rows: number, random: SeededRandom): Int32Array {
  const out = new Int32Array(rows).fill(-1);
  if (rows === 0) return out;
  const levels = scaleLevels(model.depths, rows);
  let start = 0;
  for (let d = 0; d + 1 < levels.length; d++) {
    const size = levels[d] as number;
    const next = levels[d + 1] as number;
    const childStart = start + size;
    const histogram = model.childrenByDepth[String(d)] ?? [];
    const weights = new Float64Array(size);
    let sum = 0;
    for (let j = 0; j < size; j++) {
      const c = drawSparse(histogram, random) ?? 1;
      weights[j] = c;
      sum += c;
    }
    if (sum === 0) {
      weights.fill(1);
      sum = size;
    }
    // Scale the drawn counts to the next level's size (stochastic rounding), then settle the rest.
    const pool: number[] = [];
    for (let j = 0; j < size; j++) {
      const scaled = ((weights[j] as number) * next) / sum;
      const c = Math.floor(scaled) + (random.next() < scaled - Math.floor(scaled) ? 1 : 0);
      for (let k = 0; k < c; k++) pool.push(start + j);
    }
    shuffle(pool, random);
    if (pool.length > next) pool.length = next;
    const withChildren = pool.length > 0 ? [...pool] : [];
    while (pool.length < next) {
      pool.push(
        withChildren.length > 0
          ? (withChildren[random.below(withChildren.length)] as number)
          : start + random.below(size),
      );
    }
    pool.sort((a, b) => a - b);
    for (let k = 0; k < next; k++) out[childStart + k] = pool[k] as number;
    start = childStart;
  }
  return out;
}

/** Nodes per level for `rows` nodes (largest remainder); levels after an empty one join the deepest kept. */
function scaleLevels(depths: readonly number[], rows: number): number[] {
  const counts: number[] = [];
  for (let i = 0; i + 1 < depths.length; i += 2) counts[depths[i] as number] = depths[i + 1] as number;
  const total = counts.reduce((a, b) => a + (b ?? 0), 0);
  if (total === 0) return [rows];
  const exact = Array.from(counts, (n) => ((n ?? 0) * rows) / total);
  const levels = exact.map(Math.floor);
  let left = rows - levels.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    levels[i] = (levels[i] as number) + 1;
    left--;
  }
  if ((levels[0] as number) === 0) {
    levels[0] = 1;
    const last = levels.findLastIndex((n, i) => i > 0 && n > 0);
    if (last > 0) levels[last] = (levels[last] as number) - 1;
  }
  const kept: number[] = [];
  for (const n of levels) {
    if (n === 0) break;
    kept.push(n);
  }
  const placed = kept.reduce((a, b) => a + b, 0);
  kept[kept.length - 1] = (kept[kept.length - 1] as number) + rows - placed;
  return kept;
}

/** Depth per node of a parent array (roots 0); for tests and checks. Null when it loops. */
export function forestDepths(parent: Int32Array): Int32Array | null {
  const depth = new Int32Array(parent.length).fill(-1);
  for (let i = 0; i < parent.length; i++) {
    let node = i;
    let steps = 0;
    while (node !== -1 && (depth[node] as number) === -1) {
      node = parent[node] as number;
      if (++steps > parent.length) return null;
    }
    let d = node === -1 ? -1 : (depth[node] as number);
    const chain: number[] = [];
    for (let n = i; n !== -1 && (depth[n] as number) === -1; n = parent[n] as number) chain.push(n);
    for (let c = chain.length - 1; c >= 0; c--) depth[chain[c] as number] = ++d;
  }
  return depth;
}

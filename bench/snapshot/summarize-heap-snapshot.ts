/**
 * Self size of a V8 heap snapshot (`v8.writeHeapSnapshot`) by node type and constructor name, largest first.
 *
 *   node --import tsx bench/snapshot/summarize-heap-snapshot.ts FILE [TOP]
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const [file, top = '25'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: summarize-heap-snapshot.ts FILE [TOP]');
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
  number,
  number,
  number,
];
const groups = new Map<string, { bytes: number; count: number }>();
let total = 0;
for (let i = 0; i < snap.nodes.length; i += fields.length) {
  const type = types[snap.nodes[i + typeAt] as number] ?? '?';
  const size = snap.nodes[i + sizeAt] as number;
  // Strings and code are grouped by type: their "name" is their content.
  const name =
    type === 'object' || type === 'native' || type === 'closure'
      ? (snap.strings[snap.nodes[i + nameAt] as number] ?? '?')
      : '';
  const key = `${type}${name === '' ? '' : ` ${name.slice(0, 60)}`}`;
  const group = groups.get(key) ?? { bytes: 0, count: 0 };
  group.bytes += size;
  group.count++;
  groups.set(key, group);
  total += size;
}
console.log(`total self size ${(total / 2 ** 20).toFixed(1)} MB`);
for (const [key, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(top)))
  console.log(`${(g.bytes / 2 ** 20).toFixed(2).padStart(8)} MB ${String(g.count).padStart(8)}  ${key}`);

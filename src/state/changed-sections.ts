import { canonicalJson } from '../introspection/index.js';

/**
 * The sections of a policy document that differ between two versions: top-level keys, and for keys holding
 * a mapping (`tables`, …) the entries under them (`tables.public.people`). Names only, never values.
 */
export function changedSections(before: unknown, after: unknown): string[] {
  const a = asRecord(before);
  const b = asRecord(after);
  const changed: string[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (same(a[key], b[key])) continue;
    const inner = [a[key], b[key]];
    if (inner.every((v) => v === undefined || isRecord(v))) {
      const x = asRecord(inner[0]);
      const y = asRecord(inner[1]);
      for (const sub of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort())
        if (!same(x[sub], y[sub])) changed.push(`${key}.${sub}`);
    } else {
      changed.push(key);
    }
  }
  return changed;
}

function same(x: unknown, y: unknown): boolean {
  if (x === undefined || y === undefined) return x === y;
  return canonicalJson(x) === canonicalJson(y);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

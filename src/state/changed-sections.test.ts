import { describe, expect, it } from 'vitest';
import { changedSections } from './changed-sections.js';

describe('changedSections', () => {
  it('names changed top-level keys and the changed entries of mappings, sorted', () => {
    const before = {
      version: 1,
      tables: { 'public.a': { columns: { x: 'keep' } }, 'public.b': { columns: { y: 'keep' } } },
      defaults: ['x'],
    };
    const after = {
      version: 1,
      tables: { 'public.a': { columns: { x: 'drop' } }, 'public.c': { columns: {} } },
      defaults: ['y'],
      subset: { start: 'public.a' },
    };
    expect(changedSections(before, after)).toEqual([
      'defaults',
      'subset.start',
      'tables.public.a',
      'tables.public.b',
      'tables.public.c',
    ]);
  });

  it('finds nothing between equal documents whatever their key order, and everything from nothing', () => {
    expect(changedSections({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toEqual([]);
    expect(changedSections(null, { version: 1, tables: { t: {} } })).toEqual(['tables.t', 'version']);
  });
});

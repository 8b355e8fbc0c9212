import { describe, expect, it } from 'vitest';
import { Secret, type DatabaseSchema } from '../core/index.js';
import { ValueBloomFilter } from '../fake-values/index.js';
import type { Plan, PlannedTable } from '../policy/index.js';
import { decodeLoadUnitState, encodeLoadUnitState, planLoadUnits } from './load-units.js';
import { sealedStateId } from './sealed-run-state.js';

const table = (name: string, copyRows = true): PlannedTable =>
  ({
    table: { schema: 'public', name },
    kind: 'table',
    copyRows,
    where: null,
    columns: [],
  }) as unknown as PlannedTable;
const plan = (...tables: PlannedTable[]): Plan => ({ tables }) as unknown as Plan;

describe('planLoadUnits', () => {
  it('splits tables above the unit size into page ranges that cover every page once, largest first', () => {
    const units = planLoadUnits(
      plan(table('small'), table('big'), table('exact'), table('empty'), table('skipped', false)),
      new Map([
        ['public.small', 3],
        ['public.big', 25],
        ['public.exact', 20],
        ['public.empty', 0],
        ['public.skipped', 99],
      ]),
      10,
    );
    const ranges = (name: string) => units.filter((u) => u.table.name === name).map((u) => u.blocks);
    expect(ranges('small')).toEqual([undefined]);
    expect(ranges('empty')).toEqual([undefined]);
    expect(ranges('skipped')).toEqual([]);
    expect(ranges('exact')).toEqual([
      { from: 0, to: 10 },
      { from: 10, to: null },
    ]);
    // 25 pages in 3 ranges of 9: the last is open-ended (pages added since the sizing are read too).
    expect(ranges('big')).toEqual([
      { from: 0, to: 9 },
      { from: 9, to: 18 },
      { from: 18, to: null },
    ]);
    expect(new Set(units.map((u) => u.id)).size).toBe(units.length);
    expect(units[0]?.table.name).toBe('exact');
    expect(units.at(-1)?.table.name).toBe('empty');
  });
});

describe('the sealed run state', () => {
  const secret = new Secret(Buffer.from('a-run-secret-of-at-least-thirty-two-bytes!'));
  const filter = new ValueBloomFilter(1000);
  filter.add('Ingeborg');
  const state = {
    plan: plan(table('people')),
    schema: { tables: [] } as unknown as DatabaseSchema,
    sourceValues: new Map([['first_name', filter]]),
    knownEntities: undefined,
  };

  it('opens with the run key only, and carries no readable names', async () => {
    const sealed = encodeLoadUnitState(state, secret);
    expect(Buffer.from(sealed).includes('people')).toBe(false);
    const opened = await decodeLoadUnitState(sealed, secret);
    expect(opened.sourceValues.get('first_name')?.has('Ingeborg')).toBe(true);
    expect(opened.sourceValues.get('first_name')?.has('Zacharias')).toBe(false);
    expect(opened.plan.tables[0]?.table.name).toBe('people');
    const other = new Secret(Buffer.from('another-secret-of-at-least-thirty-two-bytes'));
    await expect(decodeLoadUnitState(sealed, other)).rejects.toMatchObject({ code: 'secret_invalid' });
    // Each run's state has its own id.
    expect(sealedStateId(encodeLoadUnitState(state, secret))).not.toBe(sealedStateId(sealed));
  });
});

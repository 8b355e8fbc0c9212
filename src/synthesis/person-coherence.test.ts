import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import { Secret, type Row, type TableInfo } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { fitSynthesisModel, type ColumnTreatment } from './fit-model.js';
import { personValue, SynthesisSampler } from './sample-model.js';

const USERS: TableInfo = {
  ref: { schema: 'public', name: 'users' },
  kind: 'table',
  parent: null,
  columns: [
    columnInfo({ name: 'id', dataType: 'integer', baseType: 'int4', category: 'integer', isNullable: false }),
    columnInfo({ name: 'first_name' }),
    columnInfo({ name: 'last_name' }),
    columnInfo({ name: 'full_name' }),
    columnInfo({ name: 'email' }),
    columnInfo({ name: 'login' }),
    columnInfo({ name: 'plan' }),
  ],
  constraints: [],
  uniqueColumnSets: [['id'], ['email']],
  estimatedRows: 0,
};

const ENTITIES: Record<string, ColumnTreatment> = {
  first_name: { kind: 'personal', entity: 'first_name', scope: 'first_name' },
  last_name: { kind: 'personal', entity: 'last_name', scope: 'last_name' },
  full_name: { kind: 'personal', entity: 'full_name', scope: 'full_name' },
  email: { kind: 'personal', entity: 'email', scope: 'email' },
  login: { kind: 'personal', entity: 'username', scope: 'username' },
};

function generate(isRealValue?: (scope: string, value: string) => boolean): Row[] {
  const rows: Row[] = Array.from({ length: 300 }, (_, i) => [
    String(i + 1),
    `Realfirst${i}`,
    `Reallast${i}`,
    `Realfirst${i} Reallast${i}`,
    `real${i}@corp.example`,
    `real${i}`,
    i % 3 === 0 ? 'gold' : 'free',
  ]);
  const model = fitSynthesisModel({
    schema: { tables: [USERS], sequences: [] },
    samples: new Map([
      [
        'public.users',
        {
          table: USERS.ref,
          rows: rows.length,
          columns: USERS.columns.map((c) => c.name),
          values: USERS.columns.map((_, j) => rows.map((r) => r[j] ?? null)),
        },
      ],
    ]),
    treatment: (_t, column) => ENTITIES[column] ?? { kind: 'model' },
    rareCategoryMin: 5,
    seed: '1',
    schemaFingerprint: 'x',
    ddl: null,
  });
  const sampler = new SynthesisSampler(model, {
    scale: 1,
    seed: '1',
    seeder: createKeyedSeeder(new Secret(Buffer.alloc(32, 3))),
    batchRows: 100,
    ...(isRealValue === undefined ? {} : { isRealValue }),
  });
  return [...sampler.generate(model.tables[0] as NonNullable<(typeof model.tables)[0]>)].flat();
}

const plain = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

describe('one fake person per row', () => {
  it('builds full name, email and username from the row’s first and last name', () => {
    const rows = generate();
    expect(rows).toHaveLength(300);
    for (const [, first, last, full, email, login] of rows) {
      expect(full).toBe(`${first} ${last}`);
      const handle = `${plain(first ?? '')}.${plain(last ?? '')}`;
      expect(email?.startsWith(`${handle}.`)).toBe(true);
      expect(login).toBe(handle);
      expect(email).toMatch(/^[a-z.]+\.\d+@[a-z0-9.-]+$/);
    }
    // A unique email column stays unique; and people differ between rows.
    expect(new Set(rows.map((r) => r[4])).size).toBe(300);
    expect(new Set(rows.map((r) => r[3])).size).toBeGreaterThan(250);
  });

  it('redraws a person whose first name is a real value of its scope', () => {
    const banned = new Set(generate().map((r) => r[1] ?? ''));
    const rows = generate((scope, value) => scope === 'first_name' && banned.has(value) && value !== '');
    const kept = rows.filter((r) => banned.has(r[1] ?? '')).length;
    // Redraws are bounded (a real-looking list may run out), but most rows change person.
    expect(kept).toBeLessThan(rows.length / 2);
    for (const [, first, last, full] of rows) expect(full).toBe(`${first} ${last}`);
  });

  it('falls back to an independent fake when a built value does not fit the column', () => {
    const person = { first: 'Jane', last: 'Doe', domain: 'example.com' };
    expect(personValue('email', person, 4, true, null)).toBe('jane.doe.5@example.com');
    expect(personValue('username', person, 4, false, null)).toBe('jane.doe');
    expect(personValue('email', person, 4, false, 10)).toBeNull();
    expect(personValue('first_name', person, 0, true, null)).toBeNull();
    expect(personValue('phone', person, 0, false, null)).toBeNull();
  });
});

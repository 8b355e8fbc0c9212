import { columnInfo } from '../../test/helpers/column-info.js';
import { describe, expect, it } from 'vitest';

import type { ActionSpec, ColumnInfo, TypeCategory } from '../core/index.js';
import { outputConstraints } from './output-constraints.js';

function column(category: TypeCategory, baseType: string, overrides: Partial<ColumnInfo> = {}): ColumnInfo {
  return columnInfo({ name: 'target', dataType: baseType, baseType, category, ...overrides });
}

const text = column('string', 'text');
const varchar = (n: number): ColumnInfo =>
  column('string', 'varchar', { maxLength: n, dataType: `character varying(${n})` });
const int4 = column('integer', 'int4', { dataType: 'integer' });
const date = column('date', 'date');
const uuid = column('uuid', 'uuid');

describe('outputConstraints', () => {
  it('lets keep and drop fit anything without collisions', () => {
    expect(outputConstraints({ kind: 'keep' }, int4, true)).toEqual({ fits: true, canCollide: false });
    expect(outputConstraints({ kind: 'drop' }, text, true)).toEqual({ fits: true, canCollide: false });
  });

  it('checks substitute against the column category, naming the column and the type expected', () => {
    const result = outputConstraints({ kind: 'substitute', entity: 'email' }, int4, false);
    expect(result.fits).toBe(false);
    expect(result.problem).toContain('column "target" (integer)');
    expect(result.problem).toContain('string');
    expect(outputConstraints({ kind: 'substitute', entity: 'number' }, int4, false).fits).toBe(true);
    expect(outputConstraints({ kind: 'substitute', entity: 'date_of_birth' }, date, false).fits).toBe(true);
    expect(outputConstraints({ kind: 'substitute', entity: 'uuid' }, uuid, true)).toEqual({
      fits: true,
      canCollide: false,
    });
    expect(
      outputConstraints({ kind: 'substitute', entity: 'ip_address' }, column('network', 'macaddr'), false)
        .fits,
    ).toBe(false);
    expect(
      outputConstraints({ kind: 'substitute', entity: 'ip_address' }, column('network', 'inet'), false).fits,
    ).toBe(true);
  });

  it('checks substitute against the column length', () => {
    const result = outputConstraints({ kind: 'substitute', entity: 'email' }, varchar(5), false);
    expect(result.fits).toBe(false);
    expect(result.problem).toContain('5 characters');
    expect(outputConstraints({ kind: 'substitute', entity: 'email' }, varchar(11), false).fits).toBe(true);
  });

  it('says substitute can collide unless the kind carries 64 bits at this length', () => {
    const email = { kind: 'substitute', entity: 'email' } as const;
    expect(outputConstraints(email, text, true).canCollide).toBe(false);
    expect(outputConstraints(email, varchar(23), true).canCollide).toBe(false);
    expect(outputConstraints(email, varchar(20), true).canCollide).toBe(true);
    expect(outputConstraints(email, text, false).canCollide).toBe(true);
    expect(outputConstraints({ kind: 'substitute', entity: 'first_name' }, text, true).canCollide).toBe(true);
    expect(outputConstraints({ kind: 'substitute', entity: 'phone' }, text, true).canCollide).toBe(true);
    expect(outputConstraints({ kind: 'substitute', entity: 'number' }, int4, true).canCollide).toBe(true);
  });

  it('uses the element category of array columns', () => {
    const textArray = column('array', '_text', { elementCategory: 'string', dataType: 'text[]' });
    const intArray = column('array', '_int4', { elementCategory: 'integer', dataType: 'integer[]' });
    expect(outputConstraints({ kind: 'substitute', entity: 'first_name' }, textArray, false).fits).toBe(true);
    expect(outputConstraints({ kind: 'substitute', entity: 'first_name' }, intArray, false).fits).toBe(false);
    expect(
      outputConstraints({ kind: 'mask', keep_first: 0, keep_last: 0, char: '*' }, textArray, false).fits,
    ).toBe(true);
  });

  it('lets hash collide only below 16 hex characters, counting the column length', () => {
    expect(outputConstraints({ kind: 'hash' }, text, true)).toEqual({ fits: true, canCollide: false });
    expect(outputConstraints({ kind: 'hash', length: 16 }, text, true).canCollide).toBe(false);
    expect(outputConstraints({ kind: 'hash', length: 12 }, text, true).canCollide).toBe(true);
    expect(outputConstraints({ kind: 'hash' }, varchar(10), true).canCollide).toBe(true);
    expect(outputConstraints({ kind: 'hash' }, int4, false).fits).toBe(false);
  });

  it('refuses nullify on NOT NULL columns and never reports it as colliding', () => {
    const notNull = column('string', 'text', { isNullable: false });
    const result = outputConstraints({ kind: 'nullify' }, notNull, true);
    expect(result.fits).toBe(false);
    expect(result.problem).toContain('NOT NULL');
    expect(outputConstraints({ kind: 'nullify' }, text, true)).toEqual({ fits: true, canCollide: false });
  });

  it('reports mask, generalize, redact_text and shift_date as able to collide', () => {
    const actions: [ActionSpec, ColumnInfo][] = [
      [{ kind: 'mask', keep_first: 1, keep_last: 1, char: '*' }, text],
      [{ kind: 'generalize', prefix: 3 }, text],
      [{ kind: 'generalize', to: 'month' }, date],
      [{ kind: 'generalize', bucket: 10 }, int4],
      [{ kind: 'redact_text' }, text],
      [{ kind: 'shift_date', max_days: 10 }, date],
    ];
    for (const [action, col] of actions)
      expect(outputConstraints(action, col, true), action.kind).toEqual({ fits: true, canCollide: true });
  });

  it('requires the generalize option that matches the column', () => {
    expect(outputConstraints({ kind: 'generalize', bucket: 10 }, date, false).fits).toBe(false);
    expect(outputConstraints({ kind: 'generalize', to: 'year' }, int4, false).fits).toBe(false);
    expect(outputConstraints({ kind: 'generalize', bucket: 2.5 }, int4, false).fits).toBe(false);
    expect(
      outputConstraints({ kind: 'generalize', bucket: 2.5 }, column('decimal', 'numeric'), false).fits,
    ).toBe(true);
    expect(outputConstraints({ kind: 'generalize', to: 'year' }, text, false).fits).toBe(false);
    expect(outputConstraints({ kind: 'generalize', prefix: 3 }, uuid, false).fits).toBe(false);
  });

  it('refuses text-only actions on other columns and bad options', () => {
    expect(
      outputConstraints({ kind: 'mask', keep_first: 0, keep_last: 0, char: '*' }, int4, false).fits,
    ).toBe(false);
    expect(
      outputConstraints({ kind: 'mask', keep_first: 0, keep_last: 0, char: '**' }, text, false).fits,
    ).toBe(false);
    expect(outputConstraints({ kind: 'redact_text' }, date, false).fits).toBe(false);
    expect(outputConstraints({ kind: 'shift_date', max_days: 5 }, text, false).fits).toBe(false);
    expect(outputConstraints({ kind: 'shift_date', max_days: -1 }, date, false).fits).toBe(false);
    expect(outputConstraints({ kind: 'shift_date', max_days: 1.5 }, date, false).fits).toBe(false);
  });
});

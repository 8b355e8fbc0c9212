import { describe, expect, it } from 'vitest';
import { checkedValues, compileCheckTest, parseCheck, parseCheckConstraint } from './check-constraint.js';

describe('parseCheckConstraint (definitions as pg_get_constraintdef prints them)', () => {
  it('reads comparisons with constants, either way round, through casts and parentheses', () => {
    expect(parseCheckConstraint('CHECK ((rental_rate <= 9.99))')).toEqual({
      clauses: [{ path: ['rental_rate'], op: 'lte', values: ['9.99'] }],
      complete: true,
    });
    expect(parseCheckConstraint("CHECK (('-1'::integer < (qty)::integer))")).toEqual({
      clauses: [{ path: ['qty'], op: 'gt', values: ['-1'] }],
      complete: true,
    });
    expect(parseCheckConstraint('CHECK ((total >= (0)::numeric)) NOT VALID').clauses).toEqual([
      { path: ['total'], op: 'gte', values: ['0'] },
    ]);
    expect(
      parseCheckConstraint("CHECK ((placed_at >= '2020-01-01 00:00:00+00'::timestamp with time zone))")
        .clauses,
    ).toEqual([{ path: ['placed_at'], op: 'gte', values: ['2020-01-01 00:00:00+00'] }]);
    expect(parseCheckConstraint('CHECK (("Weird Name" <> 0))').clauses).toEqual([
      { path: ['Weird Name'], op: 'ne', values: ['0'] },
    ]);
    expect(parseCheckConstraint('CHECK (("not" IN (\'a\', \'b\')) AND ("Total" >= 0))').clauses).toEqual([
      { path: ['not'], op: 'in', values: ['a', 'b'] },
      { path: ['Total'], op: 'gte', values: ['0'] },
    ]);
  });

  it('reads IN lists (= ANY (ARRAY[…]), with or without casts), NOT IN (<> ALL), BETWEEN and conjunctions', () => {
    expect(
      parseCheckConstraint("CHECK ((status = ANY (ARRAY['pending'::text, 'it''s'::text, 'paid'::text])))")
        .clauses,
    ).toEqual([{ path: ['status'], op: 'in', values: ['pending', "it's", 'paid'] }]);
    expect(
      parseCheckConstraint(
        "CHECK (((code)::text = ANY ((ARRAY['YES'::character varying, 'NO'::character varying])::text[])))",
      ).clauses,
    ).toEqual([{ path: ['code'], op: 'in', values: ['YES', 'NO'] }]);
    expect(parseCheckConstraint("CHECK ((kind <> ALL (ARRAY['x'::text, 'y'::text])))").clauses).toEqual([
      { path: ['kind'], op: 'not_in', values: ['x', 'y'] },
    ]);
    expect(parseCheckConstraint("CHECK (kind IN ('a', 'b'))").clauses).toEqual([
      { path: ['kind'], op: 'in', values: ['a', 'b'] },
    ]);
    expect(
      parseCheckConstraint('CHECK (((year >= 1901) AND (year <= 2155) AND (note IS NOT NULL)))'),
    ).toEqual({
      clauses: [
        { path: ['year'], op: 'gte', values: ['1901'] },
        { path: ['year'], op: 'lte', values: ['2155'] },
        { path: ['note'], op: 'not_null', values: [] },
      ],
      complete: true,
    });
    expect(parseCheckConstraint('CHECK (x BETWEEN 1 AND 5 AND y > -2)').clauses).toEqual([
      { path: ['x'], op: 'gte', values: ['1'] },
      { path: ['x'], op: 'lte', values: ['5'] },
      { path: ['y'], op: 'gt', values: ['-2'] },
    ]);
  });

  it('leaves everything else to the database: the recognised conjuncts are kept, complete is false', () => {
    expect(parseCheckConstraint('CHECK (((a > 0) OR (b > 0)))')).toEqual({ clauses: [], complete: false });
    expect(parseCheckConstraint('CHECK ((return_date >= rental_date))')).toEqual({
      clauses: [],
      complete: false,
    });
    expect(parseCheckConstraint('CHECK (((length(name) > 0) AND (qty > 0)))')).toEqual({
      clauses: [{ path: ['qty'], op: 'gt', values: ['0'] }],
      complete: false,
    });
    expect(parseCheckConstraint("CHECK ((email ~~ '%@%'::text))").complete).toBe(false);
    expect(parseCheckConstraint('CHECK ((x NOT BETWEEN 1 AND 5))').complete).toBe(false);
    expect(parseCheckConstraint('CHECK ((price * qty < 100))').complete).toBe(false);
    expect(parseCheckConstraint('EXCLUDE USING gist (x WITH =)').complete).toBe(false);
  });
});

describe('checkedValues', () => {
  it('gives the list CHECKs hold a column to (intersected), or null', () => {
    const checks = [
      { columns: ['status'], definition: "CHECK ((status = ANY (ARRAY['a'::text, 'b'::text, 'c'::text])))" },
      { columns: ['status', 'kind'], definition: "CHECK (((status IN ('b', 'c', 'd')) AND (kind > 0)))" },
      { columns: ['kind'], definition: 'CHECK ((kind < 9))' },
    ];
    expect(checkedValues(checks, 'status')).toEqual(['b', 'c']);
    expect(checkedValues(checks, 'kind')).toBeNull();
    expect(checkedValues(checks, 'other')).toBeNull();
  });
});

describe('domain CHECKs (VALUE is the column)', () => {
  it('parses a domain CHECK as clauses on its column', () => {
    expect(
      parseCheck({
        columns: ['release_year'],
        definition: 'CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))',
        domain: 'public.year',
      }),
    ).toEqual({
      clauses: [
        { path: ['release_year'], op: 'gte', values: ['1901'] },
        { path: ['release_year'], op: 'lte', values: ['2155'] },
      ],
      complete: true,
    });
    expect(
      checkedValues(
        [
          {
            columns: ['g'],
            definition: "CHECK ((VALUE = ANY (ARRAY['A'::text, 'B'::text])))",
            domain: 'public.grade',
          },
        ],
        'g',
      ),
    ).toEqual(['A', 'B']);
  });

  it('compileCheckTest: comparisons, lists, regular expressions, LIKE, length, OR and NOT; NULL passes unless IS NOT NULL', () => {
    const test = (definition: string) => compileCheckTest({ definition, domain: 'public.d' }, 'c');
    const year = test('CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))');
    expect([year?.('1901'), year?.('2155'), year?.('1900'), year?.('10000'), year?.(null)]).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
    const zip = test("CHECK ((VALUE ~ '^[[:digit:]]{5}$'::text))");
    expect([zip?.('02139'), zip?.('2139'), zip?.('abcde')]).toEqual([true, false, false]);
    const mail = test("CHECK (((VALUE)::text ~* '@x\\.(com|org)$'::text))");
    expect([mail?.('a@X.COM'), mail?.('a@x.net')]).toEqual([true, false]);
    const like = test("CHECK ((VALUE ~~ 'A\\_%'::text))");
    expect([like?.('A_1'), like?.('AB1')]).toEqual([true, false]);
    const either = test("CHECK (((length(VALUE) >= 3) OR (VALUE = 'x'::text)))");
    expect([either?.('abc'), either?.('x'), either?.('ab')]).toEqual([true, true, false]);
    const not = test("CHECK ((NOT (VALUE = ANY (ARRAY['a'::text]))))");
    expect([not?.('a'), not?.('b')]).toEqual([false, true]);
    expect(test('CHECK ((VALUE IS NOT NULL))')?.(null)).toBe(false);
    expect(test('CHECK (is_even(VALUE))')).toBeNull();
    expect(test("CHECK ((VALUE ~ '\\mword'::text))")).toBeNull();
  });
});

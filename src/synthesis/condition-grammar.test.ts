import { describe, expect, it } from 'vitest';
import {
  ConditionSyntaxError,
  describeClause,
  parseCondition,
  parseWhereOption,
} from './condition-grammar.js';

describe('parseCondition', () => {
  it('reads comparisons, in-lists, between, null tests and dotted paths joined by and', () => {
    expect(
      parseCondition(
        "status = refunded and amount >= 100 and amount < 250.5 and rating IN ('R', 'NC-17', null) " +
          "and customer_id.address_id.city_id.country_id.country = 'Germany' and return_date is null " +
          'and email IS NOT NULL and rental_date between 2022-06-01 and "2022-06-30 23:59:59"',
      ),
    ).toEqual([
      { path: ['status'], op: 'eq', values: ['refunded'] },
      { path: ['amount'], op: 'gte', values: ['100'] },
      { path: ['amount'], op: 'lt', values: ['250.5'] },
      { path: ['rating'], op: 'in', values: ['R', 'NC-17', null] },
      {
        path: ['customer_id', 'address_id', 'city_id', 'country_id', 'country'],
        op: 'eq',
        values: ['Germany'],
      },
      { path: ['return_date'], op: 'null', values: [] },
      { path: ['email'], op: 'not_null', values: [] },
      { path: ['rental_date'], op: 'gte', values: ['2022-06-01'] },
      { path: ['rental_date'], op: 'lte', values: ['2022-06-30 23:59:59'] },
    ]);
  });

  it('reads != and <> as ne, and not in (…) as not_in (null kept in the list)', () => {
    expect(
      parseCondition("status != refunded and rating<>'R' and code NOT IN (a1, 'b 2', null) and n!=-1"),
    ).toEqual([
      { path: ['status'], op: 'ne', values: ['refunded'] },
      { path: ['rating'], op: 'ne', values: ['R'] },
      { path: ['code'], op: 'not_in', values: ['a1', 'b 2', null] },
      { path: ['n'], op: 'ne', values: ['-1'] },
    ]);
    expect(() => parseCondition('status != null')).toThrow('"is null" instead of a comparison with null');
  });

  it('keeps quoted text as written (doubled quotes escape, spaces and keywords stay text)', () => {
    expect(parseCondition("note = 'it''s and in'")).toEqual([
      { path: ['note'], op: 'eq', values: ["it's and in"] },
    ]);
    expect(parseCondition('amount>=-5')).toEqual([{ path: ['amount'], op: 'gte', values: ['-5'] }]);
  });

  it.each([
    ['', 1, 'a condition'],
    ['status', 7, 'one of =, !=, <>, <, <=, >, >=, in, not in, between, is null'],
    ['status ! paid', 8, 'one of =, !=, <>, <, <=, >, >=, in, not in, between, is null'],
    ['status not (a)', 12, 'in after not'],
    ['status not in a', 15, '"(" after in'],
    ['status = ', 10, 'a value'],
    ['status = paid or status = open', 15, '"and" or the end of the condition'],
    ["status = 'paid", 10, "a closing '"],
    ['rating in (R, NC-17', 20, '"," or ")" in the in-list'],
    ['amount = null', 10, '"is null" instead of a comparison with null'],
    ['9.99 = amount', 1, 'a column name or a dotted path of column names'],
  ])('rejects %j at character %i, saying what was expected', (text, position, expected) => {
    let error: unknown;
    try {
      parseCondition(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConditionSyntaxError);
    expect((error as ConditionSyntaxError).position + 1).toBe(position);
    expect((error as ConditionSyntaxError).expected).toBe(expected);
  });
});

describe('parseWhereOption', () => {
  it('splits "<table>: <condition>" at the first colon (timestamps keep theirs)', () => {
    expect(parseWhereOption("public.rental: rental_date >= '2022-06-01 10:00'")).toEqual({
      table: 'public.rental',
      clauses: [{ path: ['rental_date'], op: 'gte', values: ['2022-06-01 10:00'] }],
    });
  });

  it('names positions in the whole option and requires a table', () => {
    expect(() => parseWhereOption('amount >= 5')).toThrow('expected "<table>: <condition>"');
    try {
      parseWhereOption('payment: amount >');
    } catch (error) {
      expect((error as ConditionSyntaxError).position).toBe(17);
    }
  });
});

describe('describeClause', () => {
  it('names the path and operator but never the values', () => {
    const [eq, list, ne, notIn] = parseCondition(
      "email_domain = 'secret.example' and code in (a1, b2) and x <> secret and y not in (secret)",
    );
    expect(describeClause(eq as never)).toBe('email_domain = …');
    expect(describeClause(list as never)).toBe('code in (2 values)');
    expect(describeClause(ne as never)).toBe('x != …');
    expect(describeClause(notIn as never)).toBe('y not in (1 values)');
  });
});

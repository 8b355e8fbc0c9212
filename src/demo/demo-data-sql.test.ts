import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGatewayError } from '../core/index.js';
import { demoDataSql } from './demo-data-sql.js';
import { DEMO_TABLES, demoSchemaSql } from './demo-schema-sql.js';
import { sqlLiteral } from './sql-literal.js';

const rowsIn = (statement: string): number => statement.split('),\n  (').length;

describe('demoDataSql', () => {
  it('produces the same SQL for the same seed and different SQL for another seed', () => {
    const a = [...demoDataSql({ customers: 40, seed: 7 })].join('');
    const b = [...demoDataSql({ customers: 40, seed: 7 })].join('');
    const c = [...demoDataSql({ customers: 40, seed: 8 })].join('');
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('keeps every INSERT at 500 rows or fewer', () => {
    const inserts = [...demoDataSql({ customers: 300 })].filter((s) => s.startsWith('INSERT'));
    const sizes = inserts.map(rowsIn);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
    // 300 customers make well over 500 order items, so some table needed more than one statement.
    expect(inserts.length).toBeGreaterThan(3 * 5);
  });

  it('validates options when called, not when iterated', () => {
    for (const customers of [0, -1, 1.5, Number.NaN, 2_000_000]) {
      let caught: unknown;
      try {
        demoDataSql({ customers });
      } catch (error) {
        caught = error;
      }
      expect(isGatewayError(caught) && caught.code).toBe('usage');
    }
    expect(() => demoDataSql({ customers: 1, seed: -3 })).toThrow(/seed/);
  });
});

describe('the demo database in PGlite', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(demoSchemaSql());
    for (const statement of demoDataSql({ customers: 200 })) await db.exec(statement);
  }, 120_000);

  afterAll(async () => {
    await db.close();
  });

  const count = async (sql: string): Promise<number> =>
    Number((await db.query<{ n: string }>(`SELECT (${sql})::text AS n`)).rows[0]?.n);

  it('loads with the expected row counts for 200 customers', async () => {
    const counts: Record<string, number> = {};
    for (const t of DEMO_TABLES) counts[t.name] = await count(`SELECT count(*) FROM public.${t.name}`);
    expect(counts).toEqual({
      customers: 200,
      addresses: expect.toSatisfy((n: number) => n >= 340 && n <= 460),
      orders: expect.toSatisfy((n: number) => n >= 500 && n <= 700),
      order_items: expect.toSatisfy((n: number) => n >= 1250 && n <= 1750),
      support_tickets: expect.toSatisfy((n: number) => n >= 240 && n <= 360),
    });
  });

  it('stores names that need escaping, such as O’Brien, intact', async () => {
    expect(await count(`SELECT count(*) FROM public.customers WHERE last_name LIKE '%''%'`)).toBeGreaterThan(
      0,
    );
    expect(
      await count(`SELECT count(*) FROM public.customers WHERE last_name ~ '[^[:ascii:]]'`),
    ).toBeGreaterThan(0);
  });

  it('mentions customers’ names, emails and phone numbers inside ticket text', async () => {
    const tickets = await count('SELECT count(*) FROM public.support_tickets');
    const withName = await count(
      `SELECT count(*) FROM public.support_tickets t JOIN public.customers c ON c.id = t.customer_id
        WHERE strpos(t.body, c.first_name || ' ' || c.last_name) > 0 OR strpos(t.subject, c.last_name) > 0`,
    );
    const withEmail = await count(
      `SELECT count(*) FROM public.support_tickets t JOIN public.customers c ON c.id = t.customer_id
        WHERE strpos(t.body, c.email) > 0`,
    );
    const withPhone = await count(
      `SELECT count(*) FROM public.support_tickets t JOIN public.customers c ON c.id = t.customer_id
        WHERE c.phone IS NOT NULL AND strpos(t.body, c.phone) > 0`,
    );
    expect(withName / tickets).toBeGreaterThan(0.5);
    expect(withEmail / tickets).toBeGreaterThan(0.5);
    expect(withPhone).toBeGreaterThan(0);
  });

  it('nests the customer’s own contact data in the jsonb profile', async () => {
    const profiles = await count('SELECT count(*) FROM public.customers WHERE profile IS NOT NULL');
    const matching = await count(
      `SELECT count(*) FROM public.customers
        WHERE profile #>> '{contact,email}' = email AND profile #>> '{contact,name}' = first_name || ' ' || last_name`,
    );
    expect(profiles).toBeGreaterThan(100);
    expect(matching).toBe(profiles);
  });

  it('keeps order totals equal to the sum of their items and never negative', async () => {
    expect(
      await count(
        `SELECT count(*) FROM public.orders o
          WHERE o.total <> (SELECT sum(i.quantity * i.unit_price) FROM public.order_items i WHERE i.order_id = o.id)`,
      ),
    ).toBe(0);
  });

  it('advances sequences past the loaded ids and fills the materialized view', async () => {
    const maxOrder = await count('SELECT max(id) FROM public.orders');
    expect(await count(`SELECT last_value FROM public.orders_id_seq`)).toBe(maxOrder);
    expect(await count('SELECT last_value FROM public.ticket_number_seq')).toBe(
      10_000 + (await count('SELECT count(*) FROM public.support_tickets')),
    );
    expect(await count('SELECT count(*) FROM public.daily_revenue')).toBeGreaterThan(0);
  });

  it('round-trips tricky literals through the database unchanged', async () => {
    const tricky = "O'Brien \\ back\\slash\n''double'' Nguyễn";
    const row = (await db.query<{ v: string }>(`SELECT ${sqlLiteral(tricky)} AS v`)).rows[0];
    expect(row?.v).toBe(tricky);
  });
});

import { describe, expect, it } from 'vitest';
import { DdlCatalog } from './ddl-catalog.js';
import { buildSchemaFile } from './schema-file.js';

const DDL = `
CREATE TABLE public.customer (id integer NOT NULL, exclude boolean, note text);
CREATE TABLE public.payment (id integer NOT NULL, customer_id integer, paid date NOT NULL) PARTITION BY RANGE (paid);
CREATE TABLE public.payment_2024 (id integer NOT NULL, customer_id integer, paid date NOT NULL);
ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.payment ADD CONSTRAINT payment_pkey PRIMARY KEY (id, paid);
ALTER TABLE ONLY public.payment_2024 ADD CONSTRAINT payment_2024_pkey PRIMARY KEY (id, paid);
ALTER TABLE public.payment ADD CONSTRAINT payment_customer_fkey FOREIGN KEY (customer_id) REFERENCES public.customer;
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_note_key UNIQUE (note);
`;

describe('schema file', () => {
  const catalog = new DdlCatalog();
  catalog.apply(DDL);

  it('gives a partition the foreign keys declared on its partitioned table, resolving a bare REFERENCES to the primary key', () => {
    const schema = buildSchemaFile(catalog, 'csv', [
      {
        ref: { schema: 'public', name: 'payment_2024' },
        file: 'public.payment_2024.csv',
        columns: ['id', 'customer_id', 'paid'],
        rows: 3,
      },
    ]);
    expect(schema.tables[0]).toMatchObject({
      table: 'public.payment_2024',
      partitionOf: 'public.payment',
      rows: 3,
      primaryKey: ['id', 'paid'],
      foreignKeys: [
        {
          name: 'payment_customer_fkey',
          columns: ['customer_id'],
          references: { table: 'public.customer', columns: ['id'] },
        },
      ],
    });
  });

  it('lists written columns in file order and leaves out keys over columns that were not written', () => {
    const schema = buildSchemaFile(catalog, 'jsonl', [
      {
        ref: { schema: 'public', name: 'customer' },
        file: 'public.customer.jsonl',
        columns: ['exclude', 'id'],
        rows: 0,
      },
    ]);
    expect(schema.format).toBe('jsonl');
    expect(schema.tables[0]?.columns).toEqual([
      { name: 'exclude', type: 'boolean', nullable: true },
      { name: 'id', type: 'integer', nullable: false },
    ]);
    expect(schema.tables[0]?.primaryKey).toEqual(['id']);
    expect(schema.tables[0]?.uniqueKeys).toEqual([]);
  });
});

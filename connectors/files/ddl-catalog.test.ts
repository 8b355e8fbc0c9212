import { describe, expect, it } from 'vitest';
import { DdlCatalog } from './ddl-catalog.js';

const PRE_DATA = `
--
-- Name: mpaa_rating; Type: TYPE; Schema: public; Owner: -
-- CREATE TABLE public.in_a_comment (x integer);
--
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE DOMAIN public."bıgınt" AS bigint;
CREATE TYPE public.mpaa_rating AS ENUM (
    'G',
    'PG-13'
);
CREATE DOMAIN public.year AS integer
	CONSTRAINT year_check CHECK (((VALUE >= 1901) AND (VALUE <= 2155)));
CREATE DOMAIN public.tags AS text[] NOT NULL;
CREATE FUNCTION public.f() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
BEGIN
    CREATE TABLE public.in_a_body (x integer);
    RETURN NEW;
END $_$;
/* CREATE TABLE public.in_a_block_comment (x int); /* nested */ */
CREATE TABLE public.film (
    film_id integer DEFAULT nextval('public.film_film_id_seq'::regclass) NOT NULL,
    title text DEFAULT E'it\\'s; fine' NOT NULL,
    release_year public.year,
    rental_rate numeric(4,2) DEFAULT 4.99 NOT NULL,
    rating public.mpaa_rating DEFAULT 'G'::public.mpaa_rating,
    special_features text[],
    grid integer[][],
    doc jsonb,
    big public."bıgınt",
    "Mixed Case" character varying(45),
    stamp timestamp(3) with time zone DEFAULT now() NOT NULL,
    labels public.tags,
    total numeric GENERATED ALWAYS AS ((rental_rate * (2)::numeric)) STORED,
    CONSTRAINT film_check CHECK ((rental_rate IS NOT NULL))
);
CREATE TABLE "Odd Schema"."a.b" (
    id bigint NOT NULL,
    film_id integer,
    CONSTRAINT inline_pk PRIMARY KEY (id),
    FOREIGN KEY (film_id) REFERENCES public.film
);
CREATE TABLE public.payment (
    payment_id integer NOT NULL,
    payment_date timestamp with time zone NOT NULL,
    amount numeric(5,2)
)
PARTITION BY RANGE (payment_date);
CREATE TABLE public.payment_p1 (
    payment_id integer NOT NULL,
    payment_date timestamp with time zone NOT NULL,
    amount numeric(5,2)
);
CREATE TABLE public.payment_p2 PARTITION OF public.payment (
    amount NOT NULL
)
FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_p1 FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
CREATE VIEW public.film_list AS SELECT film.title FROM public.film;
`;

const POST_DATA = `
ALTER TABLE ONLY public.film
    ADD CONSTRAINT film_pkey PRIMARY KEY (film_id);
ALTER TABLE ONLY public.film
    ADD CONSTRAINT film_title_key UNIQUE NULLS NOT DISTINCT (title, release_year);
ALTER TABLE ONLY public.payment_p1
    ADD CONSTRAINT payment_p1_pkey PRIMARY KEY (payment_date, payment_id);
ALTER TABLE ONLY public.payment_p1
    ADD CONSTRAINT payment_p1_film_fkey FOREIGN KEY (payment_id) REFERENCES public.film(film_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE public.payment_p1 ALTER COLUMN amount SET NOT NULL;
CREATE INDEX film_title_idx ON public.film USING btree (title);
`;

function catalog(): DdlCatalog {
  const ddl = new DdlCatalog();
  ddl.apply(PRE_DATA);
  ddl.apply(POST_DATA);
  return ddl;
}

describe('pg_dump DDL catalog', () => {
  it('reads only real CREATE TABLE statements: not comments, function bodies or views', () => {
    const ddl = catalog();
    expect(ddl.table({ schema: 'public', name: 'in_a_comment' })).toBeUndefined();
    expect(ddl.table({ schema: 'public', name: 'in_a_body' })).toBeUndefined();
    expect(ddl.table({ schema: 'public', name: 'in_a_block_comment' })).toBeUndefined();
    expect(ddl.table({ schema: 'public', name: 'film_list' })).toBeUndefined();
  });

  it('reads columns with their declared types and nullability, skipping table constraints', () => {
    const columns = catalog().columnsOf({ schema: 'public', name: 'film' });
    expect(columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['film_id', 'integer', false],
      ['title', 'text', false],
      ['release_year', 'public.year', true],
      ['rental_rate', 'numeric(4,2)', false],
      ['rating', 'public.mpaa_rating', true],
      ['special_features', 'text[]', true],
      ['grid', 'integer[][]', true],
      ['doc', 'jsonb', true],
      ['big', 'public."bıgınt"', true],
      ['Mixed Case', 'character varying(45)', true],
      ['stamp', 'timestamp(3) with time zone', false],
      ['labels', 'public.tags', true],
      ['total', 'numeric', true],
    ]);
  });

  it('resolves domains, enums and arrays to how their values travel in JSON', () => {
    const ddl = catalog();
    const byName = new Map(ddl.columnsOf({ schema: 'public', name: 'film' }).map((c) => [c.name, c]));
    const resolved = (name: string) => ddl.resolve(byName.get(name)!);
    expect(resolved('film_id')).toEqual({
      kind: 'number',
      arrayDepth: 0,
      baseType: null,
      typeKey: 'integer',
      enumLabels: null,
    });
    expect(resolved('release_year')).toMatchObject({ kind: 'number', baseType: 'integer' });
    expect(resolved('big')).toMatchObject({ kind: 'number', baseType: 'bigint' });
    expect(resolved('rating')).toMatchObject({ kind: 'string', enumLabels: ['G', 'PG-13'] });
    expect(resolved('special_features')).toMatchObject({ kind: 'string', arrayDepth: 1 });
    expect(resolved('grid')).toMatchObject({ kind: 'number', arrayDepth: 2 });
    expect(resolved('labels')).toMatchObject({ kind: 'string', arrayDepth: 1, baseType: 'text[]' });
    expect(resolved('doc').kind).toBe('json');
    expect(resolved('stamp').kind).toBe('string');
  });

  it('reads primary, unique and foreign keys from post-data and inline constraints', () => {
    const ddl = catalog();
    expect(ddl.table({ schema: 'public', name: 'film' })?.keys).toEqual([
      { name: 'film_pkey', kind: 'primary_key', columns: ['film_id'], references: null },
      { name: 'film_title_key', kind: 'unique', columns: ['title', 'release_year'], references: null },
    ]);
    expect(ddl.table({ schema: 'Odd Schema', name: 'a.b' })?.keys).toEqual([
      { name: 'inline_pk', kind: 'primary_key', columns: ['id'], references: null },
      {
        name: '',
        kind: 'foreign_key',
        columns: ['film_id'],
        references: { table: { schema: 'public', name: 'film' }, columns: [] },
      },
    ]);
    expect(ddl.table({ schema: 'public', name: 'payment_p1' })?.keys.map((k) => k.name)).toEqual([
      'payment_p1_pkey',
      'payment_p1_film_fkey',
    ]);
  });

  it('knows partitions (attached or declared PARTITION OF) and their columns', () => {
    const ddl = catalog();
    expect(ddl.table({ schema: 'public', name: 'payment_p1' })?.partitionOf).toEqual({
      schema: 'public',
      name: 'payment',
    });
    const p2 = ddl.columnsOf({ schema: 'public', name: 'payment_p2' });
    expect(ddl.table({ schema: 'public', name: 'payment_p2' })?.partitionOf?.name).toBe('payment');
    expect(p2.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['payment_id', 'integer', false],
      ['payment_date', 'timestamp with time zone', false],
      ['amount', 'numeric(5,2)', false],
    ]);
    const amount = ddl.columnsOf({ schema: 'public', name: 'payment_p1' }).find((c) => c.name === 'amount');
    expect(amount?.nullable).toBe(false);
  });

  it('forgets a dropped column', () => {
    const ddl = catalog();
    ddl.dropColumn({ schema: 'public', name: 'film' }, 'doc');
    expect(ddl.columnsOf({ schema: 'public', name: 'film' }).map((c) => c.name)).not.toContain('doc');
  });
});

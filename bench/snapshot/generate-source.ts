import { SOURCE_DATABASE, createEmptyDatabase, databaseExists, withClient } from './bench-database.js';

/**
 * The bench source: `people` (N rows, 11 columns, 5 personal + a free-text note quoting name and phone) and
 * `orders` (2N rows, FK to people). Built server-side with generate_series; every value is a pure function of
 * the row number (hashint8extended), so two builds of one size hold the same data. Names come from short
 * synthetic lists: nothing here is a real person.
 */

/** Bumped whenever the generated data changes, so an old source is rebuilt instead of re-used. */
const GENERATOR_VERSION = 2;

export interface SourceInfo {
  readonly people: number;
  readonly orders: number;
  /** Whether this run built it (false: an existing source of the same size was re-used). */
  readonly built: boolean;
  readonly buildSeconds: number | null;
}

const FIRST_NAMES = (
  'Ada Ben Chloe Dmitri Elena Farid Greta Hiro Ines Jonas Kaja Liam Mina Noor Oskar Priya Quinn ' +
  'Rosa Sami Tove Umar Vera Wen Ximena Yusuf Zoe Aline Bruno Carmen Diego Emil Fatima Goran Hana ' +
  'Ivo Jana'
).split(' ');
const LAST_NAMES = (
  'Abara Berger Costa Dubois Eriksen Fischer Garcia Horvat Ivanova Jensen Kowalski Larsen Moreau ' +
  'Novak Okafor Petrov Quispe Rossi Silva Tanaka Umarov Varga Weber Xu Yilmaz Zhang Almeida Brandt ' +
  'Castillo Demir'
).split(' ');
const CITIES = (
  'Lisbon Porto Ghent Lyon Bergen Graz Krakow Brno Turin Malmo Tartu Cork Leipzig Utrecht Bilbao ' + 'Split'
).split(' ');

function sqlArray(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/** `1 + |h(g, seed)| % n`: a deterministic pseudo-random 1-based index. */
function pick(seed: number, n: number): string {
  return `1 + abs(hashint8extended(g, ${seed}) % ${n})`;
}

function descriptionFor(people: number): string {
  return `lookalike bench source v${GENERATOR_VERSION}: people=${people}`;
}

export async function ensureSource(serverUrl: string, people: number, fresh: boolean): Promise<SourceInfo> {
  const orders = 2 * people;
  if (!fresh && (await holdsSize(serverUrl, people))) {
    return { people, orders, built: false, buildSeconds: null };
  }
  const started = performance.now();
  await createEmptyDatabase(serverUrl, SOURCE_DATABASE);
  await withClient(serverUrl, SOURCE_DATABASE, async (c) => {
    await c.query(`SET synchronous_commit = off`);
    await c.query(`SET maintenance_work_mem = '512MB'`);
    // Constraints are added after the load: building them once is several times faster than row by row.
    await c.query(`
      CREATE TABLE people (
        id bigint GENERATED ALWAYS AS IDENTITY,
        first_name text NOT NULL,
        last_name text NOT NULL,
        email text NOT NULL,
        phone text,
        date_of_birth date,
        city text NOT NULL,
        status text NOT NULL,
        score numeric(7,2),
        created_at timestamptz NOT NULL,
        note text
      )`);
    await c.query(`
      CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY,
        person_id bigint NOT NULL,
        ordered_at timestamptz NOT NULL,
        amount numeric(10,2) NOT NULL,
        currency char(3) NOT NULL,
        status text NOT NULL
      )`);
    await c.query(`
      INSERT INTO people (id, first_name, last_name, email, phone, date_of_birth, city, status, score,
                          created_at, note)
      OVERRIDING SYSTEM VALUE
      SELECT g, f, l,
             lower(f) || '.' || lower(l) || '.' || g || '@' || (ARRAY['example.com', 'example.org', 'example.net'])[${pick(3, 3)}],
             ph,
             date '1940-01-01' + (abs(hashint8extended(g, 5)) % 25000)::int,
             (${sqlArray(CITIES)})[${pick(6, CITIES.length)}],
             (ARRAY['active', 'active', 'active', 'inactive', 'pending', 'closed'])[${pick(7, 6)}],
             round((abs(hashint8extended(g, 8)) % 100000) / 100.0, 2),
             timestamptz '2019-01-01 00:00:00+00' + make_interval(secs => abs(hashint8extended(g, 9)) % 157680000),
             CASE WHEN g % 5 = 0 THEN NULL
                  ELSE 'Spoke with ' || f || ' ' || l || ' (' || ph || ') about ticket '
                       || substr(md5(g::text), 1, 10) || '; call back after 5pm.' END
      FROM (
        SELECT g,
               (${sqlArray(FIRST_NAMES)})[${pick(1, FIRST_NAMES.length)}] AS f,
               (${sqlArray(LAST_NAMES)})[${pick(2, LAST_NAMES.length)}] AS l,
               -- Never 555-0100..0199: that fictional range is where phone fakes come from.
               '+1 ' || (200 + abs(hashint8extended(g, 4)) % 800) || '-555-'
                 || (200 + abs(hashint8extended(g, 10)) % 9800)::text AS ph
        FROM generate_series(1::bigint, ${people}::bigint) AS g
      ) AS p`);
    await c.query(`
      INSERT INTO orders (id, person_id, ordered_at, amount, currency, status)
      OVERRIDING SYSTEM VALUE
      SELECT g,
             1 + abs(hashint8extended(g, 11)) % ${people},
             timestamptz '2020-01-01 00:00:00+00' + make_interval(secs => abs(hashint8extended(g, 12)) % 157680000),
             round((abs(hashint8extended(g, 13)) % 50000) / 100.0 + 1, 2),
             (ARRAY['EUR', 'EUR', 'USD', 'GBP', 'SEK'])[${pick(14, 5)}],
             (ARRAY['paid', 'paid', 'paid', 'shipped', 'refunded', 'cancelled'])[${pick(15, 6)}]
      FROM generate_series(1::bigint, ${orders}::bigint) AS g`);
    await c.query(`ALTER TABLE people ADD PRIMARY KEY (id), ADD UNIQUE (email)`);
    await c.query(`ALTER TABLE orders ADD PRIMARY KEY (id)`);
    await c.query(`ALTER TABLE orders ADD FOREIGN KEY (person_id) REFERENCES people (id)`);
    await c.query(`CREATE INDEX orders_person_id_idx ON orders (person_id)`);
    await c.query(`SELECT setval(pg_get_serial_sequence('people', 'id'), ${people})`);
    await c.query(`SELECT setval(pg_get_serial_sequence('orders', 'id'), ${orders})`);
    // VACUUM sets hint bits and the visibility map now, so the first timed read does not pay for them.
    await c.query(`VACUUM (ANALYZE) people`);
    await c.query(`VACUUM (ANALYZE) orders`);
    // Written last: an interrupted build leaves no description and is rebuilt next time.
    await c.query(`COMMENT ON DATABASE ${SOURCE_DATABASE} IS '${descriptionFor(people)}'`);
  });
  return { people, orders, built: true, buildSeconds: (performance.now() - started) / 1000 };
}

async function holdsSize(serverUrl: string, people: number): Promise<boolean> {
  if (!(await databaseExists(serverUrl, SOURCE_DATABASE))) return false;
  const result = await withClient(serverUrl, 'postgres', (c) =>
    c.query<{ description: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS description FROM pg_database WHERE datname = $1`,
      [SOURCE_DATABASE],
    ),
  );
  return result.rows[0]?.description === descriptionFor(people);
}

import { describe, expect, it } from 'vitest';
import type { ColumnInfo, TypeCategory } from '../../core/index.js';
import type { ValueMatch } from '../detection-types.js';
import { classifyColumn, classifyJsonColumn } from './classify-column.js';
import type { ClassifyColumnOptions } from './classify-column.js';
import type { ColumnSample } from './column-classification.js';
import { UNDECIDED_BELOW } from './column-classification.js';

/** A small fake of the patterns module's matcher: e-mail, IPv4, a 10-digit phone shape, US SSN shape. */
function fakeMatcher(value: string): ValueMatch[] {
  if (/^[\w.+-]+@[\w-]+\.[a-z]{2,}$/i.test(value))
    return [{ type: 'EMAIL_ADDRESS', score: 0.95, validated: true }];
  if (/^(?:\d{1,3}\.){3}\d{1,3}$/.test(value)) return [{ type: 'IP_ADDRESS', score: 0.9, validated: true }];
  if (/^\+?1? ?\(?\d{3}\)?[ -]?\d{3}-\d{4}$/.test(value))
    return [{ type: 'PHONE_NUMBER', score: 0.8, validated: true }];
  if (/^\d{3}-\d{2}-\d{4}$/.test(value)) return [{ type: 'US_SSN', score: 0.85, validated: true }];
  return [];
}

const GIVEN = ['Anna', 'Jonas', 'Marie', 'Lukas', 'Sofia', 'Mateo', 'Chiara', 'Noah', 'Emma', 'Liam'];
const FAMILY = [
  'Keller',
  'Dubois',
  'García',
  'Rossi',
  'de Vries',
  'Silva',
  'Novak',
  'Okafor',
  'Tanaka',
  'Berg',
];
const fakeName = (v: string): number =>
  v.split(' ').every((w) => GIVEN.includes(w) || FAMILY.includes(w)) ? 0.9 : 0;

const options: ClassifyColumnOptions = {
  matchValue: fakeMatcher,
  isLikelyName: fakeName,
  isFirstName: (w) => GIVEN.includes(w),
  referenceYear: 2026,
};

function column(
  name: string,
  category: TypeCategory = 'string',
  extra: Partial<ColumnInfo> = {},
): ColumnInfo {
  return {
    name,
    dataType: 'text',
    baseType: 'text',
    category,
    elementCategory: null,
    maxLength: null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
    ...extra,
  };
}

const sample = (values: readonly string[], nullCount = 0): ColumnSample => ({ values, nullCount });
const repeat = (n: number, make: (i: number) => string): string[] =>
  Array.from({ length: n }, (_, i) => make(i));

function classify(
  table: string,
  name: string,
  opts: {
    values?: readonly string[];
    neighbours?: readonly string[];
    category?: TypeCategory;
    extra?: Partial<ColumnInfo>;
  } = {},
) {
  return classifyColumn(
    {
      table: { schema: 'public', name: table },
      column: column(name, opts.category, opts.extra),
      neighbours: opts.neighbours ?? [],
      sample: opts.values === undefined ? null : sample(opts.values),
      unique: false,
    },
    options,
  );
}

const emails = repeat(40, (i) => `user${i}@example.org`);
const people = repeat(40, (i) => `${GIVEN[i % 10]} ${FAMILY[(i * 3) % 10]}`);

describe('classifyColumn: names', () => {
  it.each([
    ['customer', 'email', 'EMAIL_ADDRESS'],
    ['kunde', 'e_mail', 'EMAIL_ADDRESS'],
    ['cliente', 'correo', 'EMAIL_ADDRESS'],
    ['client', 'courriel', 'EMAIL_ADDRESS'],
    ['users', 'customerEmailAddr', 'EMAIL_ADDRESS'],
    ['actor', 'first_name', 'FIRST_NAME'],
    ['kunden', 'vorname', 'FIRST_NAME'],
    ['clients', 'prénom', 'FIRST_NAME'],
    ['people', 'fname', 'FIRST_NAME'],
    ['people', 'lname', 'LAST_NAME'],
    ['kunden', 'nachname', 'LAST_NAME'],
    ['clienti', 'cognome', 'LAST_NAME'],
    ['clientes', 'apellido', 'LAST_NAME'],
    ['people', 'surname', 'LAST_NAME'],
    ['contacts', 'telefon', 'PHONE_NUMBER'],
    ['contacts', 'tel', 'PHONE_NUMBER'],
    ['contacts', 'phone_1', 'PHONE_NUMBER'],
    ['contacts', 'fax', 'PHONE_NUMBER'],
    ['users', 'dob', 'DATE_OF_BIRTH'],
    ['kunden', 'geburtsdatum', 'DATE_OF_BIRTH'],
    ['clientes', 'fecha_nacimiento', 'DATE_OF_BIRTH'],
    ['employees', 'ssn', 'US_SSN'],
    ['addresses', 'zip', 'POSTAL_CODE'],
    ['addresses', 'billing_zip', 'POSTAL_CODE'],
    ['adressen', 'plz', 'POSTAL_CODE'],
    ['adressen', 'strasse', 'STREET_ADDRESS'],
    ['adresses', 'rue', 'STREET_ADDRESS'],
    ['accounts', 'iban', 'IBAN_CODE'],
    ['accounts', 'bic', 'SWIFT_CODE'],
    ['sessions', 'ip_addr', 'IP_ADDRESS'],
    ['staff', 'username', 'USERNAME'],
    ['staff', 'login', 'USERNAME'],
    ['staff', 'passwd', 'PASSWORD'],
    ['staff', 'pass_hash', 'PASSWORD_HASH'],
    ['customer', 'name', 'PERSON'],
    ['orders', 'customer_name', 'PERSON'],
  ])('%s.%s → %s', (table, name, expected) => {
    const r = classify(table, name);
    expect(r.category).toBe(expected);
    expect(r.confidence).toBeGreaterThanOrEqual(UNDECIDED_BELOW);
  });

  it.each([
    ['category', 'name'],
    ['language', 'name'],
    ['film', 'title'],
    ['products', 'product_name'],
    ['city', 'city_id'],
    ['orders', 'status'],
    ['orders', 'created_at'],
  ])('%s.%s is not a person', (table, name) => {
    const r = classify(table, name);
    expect(r.category).toBeNull();
    expect(r.confidence).toBeGreaterThanOrEqual(UNDECIDED_BELOW);
  });

  it('matches whole tokens only: passage, description and zipper_size hold nothing by name', () => {
    for (const name of ['passage', 'description_short', 'zipper_size', 'telegram_channel']) {
      const r = classify('things', name);
      expect(r.category, name).toBeNull();
    }
  });

  it('a city column with name-like values is not a person (negative name evidence)', () => {
    const r = classify('addresses', 'city', { values: people });
    expect(r.category).toBe('CITY');
  });

  it('a category name column whose values look like names stays not personal', () => {
    const r = classify('category', 'name', { values: repeat(30, (i) => GIVEN[i % 10] ?? '') });
    expect(r.category).toBeNull();
  });

  it('organisation tables make a bare name an ORGANIZATION', () => {
    expect(classify('company', 'name').category).toBe('ORGANIZATION');
  });

  it('reads a comment when the lead adds it to ColumnInfo', () => {
    const r = classify('t1', 'c3', { extra: { comment: 'customer e-mail address' } });
    expect(r.category).toBe('EMAIL_ADDRESS');
    expect(r.evidence.some((e) => e.detector === 'comment')).toBe(true);
  });
});

describe('classifyColumn: neighbours and context', () => {
  it('a bare name is a person next to first_name / email, not on an unknown table alone', () => {
    expect(classify('records', 'name', { neighbours: ['first_name', 'email'] }).category).toBe('PERSON');
    const alone = classify('records', 'name');
    expect(alone.category).toBeNull();
    expect(alone.confidence).toBeLessThan(UNDECIDED_BELOW);
  });

  it('line1 is a street address next to city and zip, and not elsewhere', () => {
    expect(classify('records', 'line1', { neighbours: ['city', 'zip'] }).category).toBe('STREET_ADDRESS');
    expect(classify('order_lines', 'line_no', { category: 'integer' }).category).toBeNull();
  });

  it('state is an address part only in an address context', () => {
    expect(classify('addresses', 'state').category).toBe('STATE');
    expect(
      classify('jobs', 'state', { values: repeat(40, (i) => ['queued', 'running', 'done'][i % 3] ?? '') })
        .category,
    ).toBeNull();
  });
});

describe('classifyColumn: declared types', () => {
  it('keys, booleans, uuids and record timestamps are confidently not personal', () => {
    for (const [name, category] of [
      ['customer_id', 'integer'],
      ['active', 'boolean'],
      ['id', 'uuid'],
      ['updated_at', 'timestamp'],
      ['created', 'date'],
    ] as const) {
      const r = classify('customer', name, { category });
      expect(r.category, name).toBeNull();
      expect(r.confidence, name).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('a gender enum is GENDER by its labels', () => {
    const r = classify('t', 'c', { category: 'enum', extra: { enumLabels: ['male', 'female', 'other'] } });
    expect(r.category).toBe('GENDER');
    expect(
      classify('t', 'c', { category: 'enum', extra: { enumLabels: ['G', 'PG', 'R'] } }).category,
    ).toBeNull();
  });

  it('an inet column is an IP address', () => {
    expect(classify('t', 'c', { category: 'network', extra: { baseType: 'inet' } }).category).toBe(
      'IP_ADDRESS',
    );
  });
});

describe('classifyColumn: values decide when names say nothing', () => {
  it.each([
    ['EMAIL_ADDRESS', emails],
    ['IP_ADDRESS', repeat(40, (i) => `10.0.${i}.7`)],
    ['PHONE_NUMBER', repeat(40, (i) => `(555) 01${i % 10}-${1000 + i}`)],
    ['PERSON', people],
    ['GENDER', repeat(40, (i) => (i % 3 === 0 ? 'F' : 'M'))],
    ['DATE_OF_BIRTH', repeat(40, (i) => `19${50 + i}-0${(i % 9) + 1}-1${i % 9}`)],
  ])('legacy column t7.c3 holding %s values', (expected, values) => {
    const r = classify('t7', 'c3', { values });
    expect(r.category).toBe(expected);
    expect(r.confidence).toBeGreaterThanOrEqual(UNDECIDED_BELOW);
  });

  it('single given names are FIRST_NAME, single family names LAST_NAME', () => {
    expect(classify('t7', 'attr_12', { values: repeat(40, (i) => GIVEN[i % 10] ?? '') }).category).toBe(
      'FIRST_NAME',
    );
    expect(classify('t7', 'attr_13', { values: repeat(40, (i) => FAMILY[i % 10] ?? '') }).category).toBe(
      'LAST_NAME',
    );
  });

  it('legacy columns of codes, amounts and timestamps are confidently not personal', () => {
    const cases = [
      repeat(60, (i) => ['pending', 'paid', 'shipped'][i % 3] ?? ''),
      repeat(60, (i) => `${(i * 7.31).toFixed(2)}`),
      repeat(60, (i) => `2024-03-${String((i % 28) + 1).padStart(2, '0')} 10:1${i % 10}:00+00`),
    ];
    for (const values of cases) {
      const r = classify('t9', 'col_7', { values });
      expect(r.category).toBeNull();
      expect(r.confidence).toBeGreaterThanOrEqual(0.7);
    }
  });

  it('a tiny sample that matches nothing is undecided (low confidence: fail closed)', () => {
    const r = classify('t9', 'col_7', { values: ['Zq', 'Wk'] });
    expect(r.category).toBeNull();
    expect(r.confidence).toBeLessThan(UNDECIDED_BELOW);
  });

  it('a name contradicted by many values loses: an "email" column holding flags', () => {
    const r = classify('users', 'email', { values: repeat(40, (i) => (i % 2 === 0 ? 'yes' : 'no')) });
    expect(r.category).not.toBe('EMAIL_ADDRESS');
  });

  it('a phone column of bare digit strings is still PHONE_NUMBER; a phone column of words is not', () => {
    const digits = classify('address', 'phone', { values: repeat(40, (i) => `1403333${String(5568 + i)}`) });
    expect(digits.category).toBe('PHONE_NUMBER');
    const words = classify('address', 'phone', { values: repeat(40, (i) => (i % 2 === 0 ? 'yes' : 'no')) });
    expect(words.category).not.toBe('PHONE_NUMBER');
  });

  it('a password column of hex digests is PASSWORD_HASH', () => {
    const r = classify('staff', 'password', { values: repeat(20, (i) => i.toString(16).padStart(40, 'a')) });
    expect(r.category).toBe('PASSWORD_HASH');
  });
});

describe('classifyColumn: prose', () => {
  const sentences = repeat(
    30,
    (i) => `The parcel for order ${i} arrived late and the box was damaged on one side.`,
  );

  it('marks free text as prose with no category', () => {
    const r = classify('t3', 'c9', { values: sentences });
    expect(r.prose).toBe(true);
    expect(r.category).toBeNull();
    expect(r.confidence).toBeGreaterThanOrEqual(UNDECIDED_BELOW);
  });

  it('short notes are prose when the name says free text, not otherwise', () => {
    const short = repeat(30, (i) => `Call back about order ${i}`);
    expect(classify('tickets', 'notes', { values: short }).prose).toBe(true);
    expect(classify('tickets', 'code_label', { values: short }).prose).toBe(false);
  });
});

describe('evidence never carries sampled values', () => {
  it('holds counts and rule names only', () => {
    const r = classify('t7', 'c3', { values: emails });
    const text = JSON.stringify(r.evidence);
    for (const v of emails) expect(text).not.toContain(v);
    expect(r.evidence.some((e) => e.detector === 'values' && e.matched === 40 && e.sampled === 40)).toBe(
      true,
    );
  });
});

describe('classifyJsonColumn', () => {
  const docs = repeat(30, (i) =>
    JSON.stringify({
      contact: { name: people[i], email: emails[i] },
      preferences: { newsletter: i % 2 === 0, language: ['en', 'fr'][i % 2] },
      items: [{ sku: `SKU-${i}`, qty: i + 1 }],
      signup: { ip: `192.168.${i}.1` },
    }),
  );

  it('classifies each leaf path with keys as names and parents as context', () => {
    const paths = classifyJsonColumn(
      {
        table: { schema: 'public', name: 'customers' },
        column: column('profile', 'json', { baseType: 'jsonb' }),
        neighbours: [],
        sample: sample([...docs, 'not json']),
        unique: false,
      },
      options,
    );
    const by = new Map(paths.map((p) => [p.path, p]));
    expect(by.get('$.contact.name')?.category).toBe('PERSON');
    expect(by.get('$.contact.email')?.category).toBe('EMAIL_ADDRESS');
    expect(by.get('$.signup.ip')?.category).toBe('IP_ADDRESS');
    expect(by.get('$.preferences.newsletter')?.category).toBeNull();
    expect(by.get('$.items[*].sku')?.category).toBeNull();
    expect(by.get('$.items[*].qty')?.category).toBeNull();
    expect(JSON.stringify(paths)).not.toContain('example.org');
  });

  it('the column-level result carries the paths and is personal when a path is', () => {
    const r = classifyColumn(
      {
        table: { schema: 'public', name: 'customers' },
        column: column('profile', 'json', { baseType: 'jsonb' }),
        neighbours: [],
        sample: sample(docs),
        unique: false,
      },
      options,
    );
    expect(r.jsonPaths?.length).toBeGreaterThanOrEqual(6);
    expect(r.category).not.toBeNull();
  });
});

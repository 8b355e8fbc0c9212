import { allFakers } from '@faker-js/faker';
import type { Faker } from '@faker-js/faker';
import type { ColumnInfo, TypeCategory } from '../../../src/core/index.js';

/** One generated column: its values, its declared type, and the expected category (or PROSE / null). */
export interface SyntheticColumn {
  readonly table: string;
  readonly column: string;
  readonly info: ColumnInfo;
  readonly values: readonly (string | null)[];
  /** Entity id, `PROSE`, or null for "not personal". */
  readonly expected: string | null;
  readonly neighbours: readonly string[];
}

interface Kind {
  readonly table: string;
  readonly column: string;
  readonly expected: string | null;
  readonly category: TypeCategory;
  readonly make: (f: Faker, i: number) => string | null;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function ssn(f: Faker): string {
  const area = f.number.int({ min: 1, max: 899 });
  return `${pad(area === 666 ? 667 : area, 3)}-${pad(f.number.int({ min: 1, max: 99 }), 2)}-${pad(f.number.int({ min: 1, max: 9999 }), 4)}`;
}

function bcrypt(f: Faker): string {
  return `$2b$10$${f.string.alphanumeric(53)}`;
}

const KINDS: readonly Kind[] = [
  {
    table: 'customers',
    column: 'first_name',
    expected: 'FIRST_NAME',
    category: 'string',
    make: (f) => f.person.firstName(),
  },
  {
    table: 'customers',
    column: 'last_name',
    expected: 'LAST_NAME',
    category: 'string',
    make: (f) => f.person.lastName(),
  },
  {
    table: 'contacts',
    column: 'full_name',
    expected: 'PERSON',
    category: 'string',
    make: (f) => f.person.fullName(),
  },
  {
    table: 'customers',
    column: 'email',
    expected: 'EMAIL_ADDRESS',
    category: 'string',
    make: (f) => f.internet.email(),
  },
  {
    table: 'customers',
    column: 'phone',
    expected: 'PHONE_NUMBER',
    category: 'string',
    make: (f) => f.phone.number(),
  },
  {
    table: 'addresses',
    column: 'street',
    expected: 'STREET_ADDRESS',
    category: 'string',
    make: (f) => f.location.streetAddress(),
  },
  {
    table: 'addresses',
    column: 'city',
    expected: 'CITY',
    category: 'string',
    make: (f) => f.location.city(),
  },
  {
    table: 'addresses',
    column: 'state',
    expected: 'STATE',
    category: 'string',
    make: (f) => f.location.state(),
  },
  {
    table: 'addresses',
    column: 'postal_code',
    expected: 'POSTAL_CODE',
    category: 'string',
    make: (f) => f.location.zipCode(),
  },
  {
    table: 'addresses',
    column: 'country',
    expected: 'COUNTRY',
    category: 'string',
    make: (f) => f.location.country(),
  },
  {
    table: 'people',
    column: 'date_of_birth',
    expected: 'DATE_OF_BIRTH',
    category: 'date',
    make: (f) => f.date.birthdate().toISOString().slice(0, 10),
  },
  {
    table: 'sessions',
    column: 'ip_address',
    expected: 'IP_ADDRESS',
    category: 'string',
    make: (f) => (f.datatype.boolean(0.8) ? f.internet.ipv4() : f.internet.ipv6()),
  },
  {
    table: 'payments',
    column: 'card_number',
    expected: 'CREDIT_CARD',
    category: 'string',
    make: (f) => f.finance.creditCardNumber().replace(/-/g, ''),
  },
  {
    table: 'payments',
    column: 'iban',
    expected: 'IBAN_CODE',
    category: 'string',
    make: (f) => f.finance.iban(),
  },
  { table: 'employees', column: 'ssn', expected: 'US_SSN', category: 'string', make: (f) => ssn(f) },
  {
    table: 'accounts',
    column: 'username',
    expected: 'USERNAME',
    category: 'string',
    make: (f) => f.internet.username().toLowerCase(),
  },
  {
    table: 'accounts',
    column: 'password_hash',
    expected: 'PASSWORD_HASH',
    category: 'string',
    make: (f) => bcrypt(f),
  },
  {
    table: 'people',
    column: 'gender',
    expected: 'GENDER',
    category: 'string',
    make: (f) => f.helpers.arrayElement(['M', 'F', 'F', 'M', 'X']),
  },
  {
    table: 'devices',
    column: 'mac_address',
    expected: 'MAC_ADDRESS',
    category: 'string',
    make: (f) => f.internet.mac(),
  },
  // Not personal.
  { table: 'orders', column: 'id', expected: null, category: 'integer', make: (_f, i) => String(i + 1) },
  { table: 'orders', column: 'external_ref', expected: null, category: 'uuid', make: (f) => f.string.uuid() },
  {
    table: 'order_items',
    column: 'unit_price',
    expected: null,
    category: 'decimal',
    make: (f) => f.commerce.price(),
  },
  {
    table: 'order_items',
    column: 'quantity',
    expected: null,
    category: 'integer',
    make: (f) => String(f.number.int({ min: 1, max: 20 })),
  },
  {
    table: 'orders',
    column: 'status',
    expected: null,
    category: 'string',
    make: (f) => f.helpers.arrayElement(['pending', 'paid', 'shipped', 'cancelled']),
  },
  {
    table: 'orders',
    column: 'created_at',
    expected: null,
    category: 'timestamp',
    make: (f) => f.date.recent({ days: 900 }).toISOString().replace('T', ' ').replace('Z', '+00'),
  },
  {
    table: 'products',
    column: 'product_name',
    expected: null,
    category: 'string',
    make: (f) => f.commerce.productName(),
  },
  {
    table: 'products',
    column: 'description',
    expected: 'PROSE',
    category: 'string',
    make: (f) => f.commerce.productDescription(),
  },
  {
    table: 'products',
    column: 'sku',
    expected: null,
    category: 'string',
    make: (f) => `${f.string.alpha({ length: 2, casing: 'upper' })}-${f.string.numeric(5)}`,
  },
  {
    table: 'products',
    column: 'in_stock',
    expected: null,
    category: 'boolean',
    make: (f) => (f.datatype.boolean() ? 't' : 'f'),
  },
  {
    table: 'orders',
    column: 'currency',
    expected: null,
    category: 'string',
    make: (f) => f.helpers.arrayElement(['USD', 'EUR', 'GBP']),
  },
  { table: 'products', column: 'color', expected: null, category: 'string', make: (f) => f.color.human() },
  {
    table: 'products',
    column: 'department',
    expected: null,
    category: 'string',
    make: (f) => f.commerce.department(),
  },
  {
    table: 'reviews',
    column: 'rating',
    expected: null,
    category: 'integer',
    make: (f) => String(f.number.int({ min: 1, max: 5 })),
  },
  {
    table: 'files',
    column: 'file_name',
    expected: null,
    category: 'string',
    make: (f) => f.system.fileName(),
  },
  {
    table: 'jobs',
    column: 'duration_ms',
    expected: null,
    category: 'integer',
    make: (f) => String(f.number.int({ min: 10, max: 99999 })),
  },
  {
    table: 'products',
    column: 'weight_kg',
    expected: null,
    category: 'decimal',
    make: (f) => f.number.float({ min: 0.1, max: 40, fractionDigits: 2 }).toString(),
  },
  {
    table: 'tickets',
    column: 'notes',
    expected: 'PROSE',
    category: 'string',
    make: (f) => f.lorem.sentences({ min: 2, max: 4 }),
  },
  {
    table: 'articles',
    column: 'title',
    expected: null,
    category: 'string',
    make: (f) => f.lorem.words({ min: 2, max: 5 }),
  },
  // Hard negatives: identifiers and codes shaped like personal data (digit runs, dotted numbers, hex).
  {
    table: 'orders',
    column: 'order_ref',
    expected: null,
    category: 'string',
    make: (f) => `ORD-${f.string.numeric(7)}`,
  },
  {
    table: 'invoices',
    column: 'invoice_number',
    expected: null,
    category: 'string',
    make: (f) => f.string.numeric(9),
  },
  {
    table: 'releases',
    column: 'version',
    expected: null,
    category: 'string',
    make: (f) => f.system.semver(),
  },
  {
    table: 'themes',
    column: 'hex_color',
    expected: null,
    category: 'string',
    make: (f) => f.color.rgb(),
  },
  {
    table: 'products',
    column: 'model',
    expected: null,
    category: 'string',
    make: (f) => f.vehicle.model(),
  },
];

const LOCALES = ['en_US', 'de', 'fr', 'es', 'it', 'nl', 'en_GB', 'pt_BR'] as const;

function info(name: string, category: TypeCategory): ColumnInfo {
  const baseTypes: Record<string, string> = {
    string: 'text',
    integer: 'int4',
    decimal: 'numeric',
    timestamp: 'timestamptz',
    date: 'date',
    boolean: 'bool',
    uuid: 'uuid',
  };
  const baseType = baseTypes[category];
  return {
    name,
    dataType: baseType ?? 'text',
    baseType: baseType ?? 'text',
    category,
    elementCategory: null,
    maxLength: null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
  };
}

/**
 * Generates `rounds` columns of every kind (each round in another faker locale, each column `rows` values
 * with ~10 % nulls). `plain`: real names; `opaque`: `t7.c3`, no neighbours worth reading, and legacy
 * schemas' habit of declaring everything as text.
 */
export function syntheticColumns(
  rounds: number,
  rows: number,
  variant: 'plain' | 'opaque',
  seed = 42,
): SyntheticColumn[] {
  const out: SyntheticColumn[] = [];
  let t = 0;
  for (let round = 0; round < rounds; round++) {
    const f = allFakers[LOCALES[round % LOCALES.length] ?? 'en_US'];
    f.seed(seed + round);
    KINDS.forEach((kind, k) => {
      const values = Array.from({ length: rows }, (_, i) =>
        i > 0 && f.datatype.boolean(0.1) ? null : kind.make(f, i),
      );
      if (variant === 'plain') {
        const neighbours = KINDS.filter((o) => o.table === kind.table && o.column !== kind.column).map(
          (o) => o.column,
        );
        out.push({
          table: kind.table,
          column: kind.column,
          info: info(kind.column, kind.category),
          values,
          expected: kind.expected,
          neighbours,
        });
      } else {
        t++;
        const name = `c${k % 9}`;
        const legacyText =
          kind.category === 'timestamp' || kind.category === 'date' || kind.category === 'uuid'
            ? 'string'
            : kind.category;
        out.push({
          table: `t${t}`,
          column: name,
          info: info(name, legacyText),
          values,
          expected: kind.expected,
          neighbours: ['c1', 'c2', 'attr_12'],
        });
      }
    });
  }
  return out;
}

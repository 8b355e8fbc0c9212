import { Faker, base, en } from '@faker-js/faker';
import { GatewayError } from '../core/index.js';
import { sqlLiteral } from './sql-literal.js';

export interface DemoDataOptions {
  /** How many customers; the other tables scale with it (~2 addresses, ~3 orders, ~1.5 tickets each). */
  readonly customers: number;
  /** Same seed, same SQL, byte for byte. */
  readonly seed?: number;
}

export const DEMO_DEFAULT_CUSTOMERS = 200;
export const DEMO_DEFAULT_SEED = 20250630;
const MAX_CUSTOMERS = 1_000_000;

/** Multi-row INSERTs stay small so neither this generator nor the database holds much at once. */
const MAX_ROWS_PER_STATEMENT = 500;
/** Customers generated together with their addresses, orders and tickets before the batch is emitted. */
const CUSTOMERS_PER_CHUNK = 100;

const DAY_MS = 86_400_000;
/** The demo's "now", fixed so that the output depends on the seed only. */
const REFERENCE_MS = Date.parse('2025-06-30T09:00:00Z');
const FIRST_SIGNUP_MS = Date.parse('2019-01-01T00:00:00Z');

/**
 * Rows for `demoSchemaSql()`: synthetic customers with addresses, orders, order items and support tickets
 * whose free text mentions names, emails and phone numbers, as real tickets do. Each item is one or more
 * complete statements (multi-row INSERTs of at most 500 rows, then sequence and materialized view upkeep)
 * for a simple-query `exec`. Deterministic for a given seed.
 */
export function demoDataSql(options: DemoDataOptions): Iterable<string> {
  const { customers } = options;
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  if (!Number.isInteger(customers) || customers < 1 || customers > MAX_CUSTOMERS) {
    throw new GatewayError('usage', `demo customers must be a whole number from 1 to ${MAX_CUSTOMERS}`);
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new GatewayError('usage', 'demo seed must be a whole number of 0 or more');
  }
  return generateDemoData(customers, seed);
}

interface Product {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
}

interface Address {
  readonly id: number;
  readonly kind: 'billing' | 'shipping' | 'work';
  readonly street: string;
  readonly line2: string | null;
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
}

interface Customer {
  readonly id: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone: string | null;
  readonly dateOfBirth: string | null;
  readonly createdMs: number;
}

interface OrderSummary {
  readonly id: number;
  readonly placedMs: number;
  readonly productName: string;
}

interface Counters {
  address: number;
  order: number;
  ticket: number;
}

class TableRows {
  readonly rows: string[] = [];
  constructor(readonly head: string) {}
  add(values: readonly (string | number | null)[]): void {
    this.rows.push(`(${values.map((v) => (typeof v === 'number' ? String(v) : sqlLiteral(v))).join(', ')})`);
  }
}

function* generateDemoData(customerCount: number, seed: number): Generator<string> {
  // One local instance seeded once: no global faker state, and the whole stream follows from the seed.
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  const products = productCatalog(f);
  const takenEmails = new Set<string>();
  const counters: Counters = { address: 0, order: 0, ticket: 0 };

  for (let first = 1; first <= customerCount; first += CUSTOMERS_PER_CHUNK) {
    const last = Math.min(customerCount, first + CUSTOMERS_PER_CHUNK - 1);
    const tables = {
      customers: new TableRows(
        'INSERT INTO public.customers (id, first_name, last_name, email, phone, date_of_birth, status, profile, created_at, updated_at) OVERRIDING SYSTEM VALUE VALUES',
      ),
      addresses: new TableRows(
        'INSERT INTO public.addresses (id, customer_id, kind, street, line2, city, postal_code, country) VALUES',
      ),
      orders: new TableRows(
        'INSERT INTO public.orders (id, customer_id, shipping_address_id, status, total, currency, placed_at) VALUES',
      ),
      items: new TableRows(
        'INSERT INTO public.order_items (order_id, line_no, sku, product_name, quantity, unit_price) VALUES',
      ),
      tickets: new TableRows(
        'INSERT INTO public.support_tickets (id, customer_id, channel, subject, body, status, created_at, updated_at) VALUES',
      ),
    };
    for (let id = first; id <= last; id++) {
      const customer = makeCustomer(f, id, takenEmails);
      const addresses = makeAddresses(f, counters);
      const orders = makeOrders(f, customer, addresses, products, counters, tables);
      addCustomerRow(f, customer, tables.customers);
      for (const a of addresses) {
        tables.addresses.add([a.id, id, a.kind, a.street, a.line2, a.city, a.postalCode, a.country]);
      }
      makeTickets(f, customer, addresses, orders, counters, tables.tickets);
    }
    for (const table of Object.values(tables)) yield* statements(table);
  }
  yield FINISH_SQL;
}

function* statements(table: TableRows): Generator<string> {
  for (let i = 0; i < table.rows.length; i += MAX_ROWS_PER_STATEMENT) {
    yield `${table.head}\n  ${table.rows.slice(i, i + MAX_ROWS_PER_STATEMENT).join(',\n  ')};\n`;
  }
}

const FINISH_SQL = `${['customers', 'addresses', 'orders', 'support_tickets']
  .map(
    (t) =>
      `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.${t}', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM public.${t};`,
  )
  .join('\n')}
REFRESH MATERIALIZED VIEW public.daily_revenue;
`;

/** Real-world names that break naive code: apostrophes, hyphens, spaces, diacritics. */
const TRICKY_FIRST_NAMES = ['Zoë', 'José', 'Anne-Marie', 'Siobhán', 'Björn', 'Chloé'];
const TRICKY_LAST_NAMES = [
  "O'Brien",
  "D'Angelo",
  'García-Márquez',
  'Nguyễn',
  'van der Berg',
  "O'Sullivan-Smythe",
  'Müller',
];
const EMAIL_PROVIDERS = [
  { weight: 35, value: 'gmail.com' },
  { weight: 15, value: 'yahoo.com' },
  { weight: 12, value: 'hotmail.com' },
  { weight: 12, value: 'outlook.com' },
  { weight: 8, value: 'icloud.com' },
  { weight: 4, value: 'aol.com' },
  { weight: 4, value: 'proton.me' },
  { weight: 10, value: '' }, // a work address at a company domain
];
const STATUSES = [
  { weight: 80, value: 'active' },
  { weight: 12, value: 'inactive' },
  { weight: 5, value: 'suspended' },
  { weight: 3, value: 'closed' },
];
const TAGS = ['vip', 'newsletter', 'wholesale', 'beta-tester', 'churn-risk', 'loyalty', 'b2b'];
const COUNTRIES = [
  { weight: 78, value: 'US' },
  { weight: 8, value: 'CA' },
  { weight: 7, value: 'GB' },
  { weight: 4, value: 'IE' },
  { weight: 3, value: 'DE' },
];
const CURRENCY_BY_COUNTRY: Readonly<Record<string, string>> = {
  US: 'USD',
  CA: 'CAD',
  GB: 'GBP',
  IE: 'EUR',
  DE: 'EUR',
};
const POSTAL_PATTERN_BY_COUNTRY: Readonly<Record<string, string>> = {
  US: '#####',
  CA: '?#? #?#',
  GB: '??# #??',
  IE: '?## ?#?#',
  DE: '#####',
};

function productCatalog(f: Faker): Product[] {
  const products: Product[] = [];
  const skus = new Set<string>();
  while (products.length < 60) {
    const sku = `${f.helpers.arrayElement(['HM', 'EL', 'SP', 'BK', 'AP', 'TY'])}-${f.string.numeric(5)}`;
    if (skus.has(sku)) continue;
    skus.add(sku);
    const priceCents = f.number.int({ min: 299, max: 24_999 });
    products.push({ sku, name: f.commerce.productName(), priceCents });
  }
  return products;
}

function makeCustomer(f: Faker, id: number, takenEmails: Set<string>): Customer {
  const tricky = id % 23 === 7;
  const firstName =
    tricky && id % 2 === 0 ? f.helpers.arrayElement(TRICKY_FIRST_NAMES) : f.person.firstName();
  const lastName = tricky ? f.helpers.arrayElement(TRICKY_LAST_NAMES) : f.person.lastName();
  const email = makeEmail(f, firstName, lastName, takenEmails);
  const phone = f.datatype.boolean({ probability: 0.85 }) ? makePhone(f) : null;
  const dateOfBirth = f.datatype.boolean({ probability: 0.9 })
    ? isoDate(f.number.int({ min: REFERENCE_MS - 85 * 365 * DAY_MS, max: REFERENCE_MS - 18 * 366 * DAY_MS }))
    : null;
  const createdMs = f.number.int({ min: FIRST_SIGNUP_MS, max: REFERENCE_MS - 30 * DAY_MS });
  return { id, firstName, lastName, email, phone, dateOfBirth, createdMs };
}

function addCustomerRow(f: Faker, c: Customer, rows: TableRows): void {
  const status = f.helpers.weightedArrayElement(STATUSES);
  const updatedMs = f.number.int({ min: c.createdMs, max: REFERENCE_MS });
  const profile = f.datatype.boolean({ probability: 0.85 }) ? JSON.stringify(makeProfile(f, c)) : null;
  rows.add([
    c.id,
    c.firstName,
    c.lastName,
    c.email,
    c.phone,
    c.dateOfBirth,
    status,
    profile,
    isoTime(c.createdMs),
    isoTime(updatedMs),
  ]);
}

function makeProfile(f: Faker, c: Customer): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    contact: { name: `${c.firstName} ${c.lastName}`, email: c.email, phone: c.phone },
    preferences: {
      newsletter: f.datatype.boolean({ probability: 0.4 }),
      language: f.helpers.arrayElement(['en', 'en', 'en', 'fr', 'es', 'de']),
      channel: f.helpers.arrayElement(['email', 'sms', 'phone']),
    },
    tags: f.helpers.arrayElements(TAGS, { min: 0, max: 3 }),
    signup: {
      source: f.helpers.arrayElement(['web', 'ios', 'android', 'store']),
      ip: f.internet.ipv4(),
    },
  };
  if (f.datatype.boolean({ probability: 0.2 })) {
    profile['emergency_contact'] = {
      name: f.person.fullName(),
      phone: makePhone(f),
      relation: f.helpers.arrayElement(['spouse', 'parent', 'sibling', 'friend']),
    };
  }
  return profile;
}

function makeEmail(f: Faker, firstName: string, lastName: string, taken: Set<string>): string {
  const a = asciiWord(firstName);
  const b = asciiWord(lastName);
  let local = f.helpers.arrayElement([
    `${a}.${b}`,
    `${a}${b}`,
    `${a.charAt(0)}${b}`,
    `${a}_${b}`,
    `${b}.${a}`,
  ]);
  if (f.datatype.boolean({ probability: 0.35 })) local += String(f.number.int({ min: 1, max: 99 }));
  const provider = f.helpers.weightedArrayElement(EMAIL_PROVIDERS);
  const domain = provider === '' ? f.internet.domainName() : provider;
  let email = `${local}@${domain}`;
  for (let n = 2; taken.has(email); n++) email = `${local}${n}@${domain}`;
  taken.add(email);
  return email;
}

function asciiWord(name: string): string {
  const word = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return word === '' ? 'customer' : word;
}

function makePhone(f: Faker): string {
  const style = f.helpers.weightedArrayElement([
    { weight: 60, value: 'human' as const },
    { weight: 25, value: 'international' as const },
    { weight: 15, value: 'national' as const },
  ]);
  return f.phone.number({ style });
}

function makeAddresses(f: Faker, counters: Counters): Address[] {
  const country = f.helpers.weightedArrayElement(COUNTRIES);
  const kinds: Address['kind'][] = ['billing'];
  if (f.datatype.boolean({ probability: 0.75 })) kinds.push('shipping');
  if (f.datatype.boolean({ probability: 0.25 })) kinds.push('work');
  return kinds.map((kind) => ({
    id: ++counters.address,
    kind,
    street: f.location.streetAddress(),
    line2: f.datatype.boolean({ probability: 0.3 }) ? f.location.secondaryAddress() : null,
    city: f.location.city(),
    postalCode: f.helpers.replaceSymbols(POSTAL_PATTERN_BY_COUNTRY[country] ?? '#####').toUpperCase(),
    country,
  }));
}

function makeOrders(
  f: Faker,
  c: Customer,
  addresses: readonly Address[],
  products: readonly Product[],
  counters: Counters,
  tables: { orders: TableRows; items: TableRows },
): OrderSummary[] {
  const count = f.number.int({ min: 0, max: 6 });
  const times = Array.from({ length: count }, () => f.number.int({ min: c.createdMs, max: REFERENCE_MS }));
  times.sort((a, b) => a - b);
  const billing = addresses[0] as Address;
  const shipTo = addresses.find((a) => a.kind === 'shipping') ?? billing;
  const summaries: OrderSummary[] = [];
  for (const placedMs of times) {
    const id = ++counters.order;
    const lines = f.number.int({ min: 1, max: 4 });
    let totalCents = 0;
    let firstProduct = '';
    for (let lineNo = 1; lineNo <= lines; lineNo++) {
      const product = f.helpers.arrayElement(products);
      const quantity = f.helpers.weightedArrayElement([
        { weight: 70, value: 1 },
        { weight: 20, value: 2 },
        { weight: 10, value: f.number.int({ min: 3, max: 6 }) },
      ]);
      totalCents += quantity * product.priceCents;
      if (lineNo === 1) firstProduct = product.name;
      tables.items.add([id, lineNo, product.sku, product.name, quantity, cents(product.priceCents)]);
    }
    const ageDays = (REFERENCE_MS - placedMs) / DAY_MS;
    const status =
      ageDays < 2
        ? f.helpers.arrayElement(['pending', 'paid'])
        : ageDays < 7
          ? f.helpers.arrayElement(['paid', 'shipped', 'shipped'])
          : f.helpers.weightedArrayElement([
              { weight: 82, value: 'delivered' },
              { weight: 12, value: 'cancelled' },
              { weight: 6, value: 'refunded' },
            ]);
    const shippingAddressId = f.datatype.boolean({ probability: 0.05 }) ? null : shipTo.id;
    tables.orders.add([
      id,
      c.id,
      shippingAddressId,
      status,
      cents(totalCents),
      CURRENCY_BY_COUNTRY[billing.country] ?? 'USD',
      isoTime(placedMs),
    ]);
    summaries.push({ id, placedMs, productName: firstProduct });
  }
  return summaries;
}

interface TicketContext {
  readonly c: Customer;
  readonly full: string;
  readonly phone: string;
  readonly order: OrderSummary | null;
  readonly address: Address;
  readonly other: string;
  readonly otherPhone: string;
  readonly relation: string;
}

interface TicketTemplate {
  readonly needsOrder: boolean;
  readonly channel: 'email' | 'phone' | 'chat';
  subject(t: TicketContext): string;
  body(t: TicketContext): string;
}

const orderNo = (t: TicketContext): string => `#${t.order?.id ?? 0}`;

/** Ticket texts quote people the way real ones do: names, emails and phone numbers inside sentences. */
const TICKET_TEMPLATES: readonly TicketTemplate[] = [
  {
    needsOrder: true,
    channel: 'email',
    subject: (t) => `Where is my order ${orderNo(t)}?`,
    body: (t) =>
      `Hi,\n\nThis is ${t.full}. I ordered on ${isoDate(t.order?.placedMs ?? 0)} (order ${orderNo(t)}) and it still hasn't arrived. ` +
      `Could someone call me back on ${t.phone}? You can also reach me at ${t.c.email}.\n\nThanks,\n${t.c.firstName}`,
  },
  {
    needsOrder: true,
    channel: 'email',
    subject: (t) => `Refund request for order ${orderNo(t)}`,
    body: (t) =>
      `Hello, my name is ${t.full} and I'd like a refund for order ${orderNo(t)}. The ${t.order?.productName ?? 'item'} ` +
      `arrived damaged. The email on my account is ${t.c.email}.`,
  },
  {
    needsOrder: false,
    channel: 'email',
    subject: () => 'Change of address',
    body: (t) =>
      `Please update my shipping address to ${t.address.street}, ${t.address.city} ${t.address.postalCode}. ` +
      `Account email: ${t.c.email}. Phone: ${t.phone}.\n-- ${t.full}`,
  },
  {
    needsOrder: false,
    channel: 'chat',
    subject: () => 'Cannot log in',
    body: (t) =>
      `Chat transcript\nCustomer: hi its ${t.c.firstName.toLowerCase()} ${t.c.lastName}, i cant log in\n` +
      `Agent: Sorry to hear that! Can you confirm the email on the account?\nCustomer: ${t.c.email}\n` +
      `Agent: Thanks ${t.c.firstName}, I've sent a reset link to that address.`,
  },
  {
    needsOrder: true,
    channel: 'phone',
    subject: (t) => `Callback: cancel order ${orderNo(t)}`,
    body: (t) =>
      `Caller ${t.full}, phone ${t.phone}, asked to cancel order ${orderNo(t)}. Identity verified with ` +
      `${t.c.dateOfBirth === null ? `postcode ${t.address.postalCode}` : `date of birth ${t.c.dateOfBirth}`}. ` +
      `Refund issued to the original card.`,
  },
  {
    needsOrder: false,
    channel: 'email',
    subject: (t) => `Account access for my ${t.relation}`,
    body: (t) =>
      `Hi team, I'm writing on behalf of my ${t.relation} ${t.full}, who can't access the account ${t.c.email}. ` +
      `Please call me on ${t.otherPhone}.\n\nBest,\n${t.other}`,
  },
  {
    needsOrder: false,
    channel: 'email',
    subject: (t) => `GDPR data deletion request - ${t.full}`,
    body: (t) =>
      `Please delete all my personal data. Name: ${t.full}, email: ${t.c.email}, phone: ${t.phone}, ` +
      `address: ${t.address.street}, ${t.address.city}.`,
  },
  {
    needsOrder: true,
    channel: 'chat',
    subject: () => 'Delivery problem',
    body: (t) =>
      `The courier left order ${orderNo(t)} with a neighbour, ${t.other}, at ${t.address.street} without asking me. ` +
      `Not happy!! Please contact me at ${t.c.email} - ${t.c.firstName}`,
  },
];

function makeTickets(
  f: Faker,
  c: Customer,
  addresses: readonly Address[],
  orders: readonly OrderSummary[],
  counters: Counters,
  rows: TableRows,
): void {
  const count = f.helpers.weightedArrayElement([
    { weight: 25, value: 0 },
    { weight: 30, value: 1 },
    { weight: 25, value: 2 },
    { weight: 12, value: 3 },
    { weight: 8, value: 4 },
  ]);
  const templates = TICKET_TEMPLATES.filter((t) => orders.length > 0 || !t.needsOrder);
  for (let i = 0; i < count; i++) {
    const template = f.helpers.arrayElement(templates);
    const context: TicketContext = {
      c,
      full: `${c.firstName} ${c.lastName}`,
      phone: c.phone ?? makePhone(f),
      order: orders.length > 0 ? f.helpers.arrayElement(orders) : null,
      address: f.helpers.arrayElement(addresses),
      other: f.person.fullName(),
      otherPhone: makePhone(f),
      relation: f.helpers.arrayElement(['partner', 'spouse', 'parent', 'sibling', 'relative']),
    };
    const from = Math.max(c.createdMs, context.order?.placedMs ?? c.createdMs);
    const createdMs = f.number.int({ min: from, max: REFERENCE_MS });
    const updatedMs = Math.min(REFERENCE_MS, createdMs + f.number.int({ min: 0, max: 10 * DAY_MS }));
    const ageDays = (REFERENCE_MS - createdMs) / DAY_MS;
    const status =
      ageDays < 14
        ? f.helpers.arrayElement(['open', 'pending'])
        : f.helpers.weightedArrayElement([
            { weight: 70, value: 'closed' },
            { weight: 25, value: 'resolved' },
            { weight: 5, value: 'pending' },
          ]);
    rows.add([
      ++counters.ticket,
      c.id,
      template.channel,
      template.subject(context),
      template.body(context),
      status,
      isoTime(createdMs),
      isoTime(updatedMs),
    ]);
  }
}

function cents(value: number): string {
  return (value / 100).toFixed(2);
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

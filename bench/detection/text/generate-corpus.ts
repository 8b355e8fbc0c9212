/**
 * Labelled free-text corpus for the text detectors: sentences from many templates and faker locales, with
 * exact character spans. Seeded and deterministic. Run `node --import tsx bench/detection/text/run.ts`.
 */
import { allFakers, type Faker } from '@faker-js/faker';
import { mulberry32 } from '../../../test/helpers/mulberry32.js';

export interface GoldSpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}
export interface LabelledText {
  readonly id: string;
  readonly text: string;
  readonly spans: readonly GoldSpan[];
  /** Template family and variant, for breakdowns. */
  readonly tags: readonly string[];
}

const NAME_LOCALES =
  `en_US en_GB de fr es it pt_BR nl pl sv tr vi id_ID en_NG yo_NG en_IN cs_CZ hr fi ro da nb_NO
af_ZA zu_ZA en_GH hu lv sk`.split(/\s+/);
const ADDRESS_LOCALES = ['en_US', 'en_GB', 'de', 'fr', 'es', 'it', 'nl', 'pt_BR'];

// {KIND} placeholders; KIND in the generator table below. Plain numbers in templates are NOT personal data.
const TEMPLATES: readonly [string, string][] = [
  [
    'ticket',
    'Hi, my name is {PERSON} and my order #48213 has not arrived. You can reach me at {EMAIL_ADDRESS}.',
  ],
  [
    'ticket',
    'Customer {PERSON} called about invoice 2024-0917 (total $1,249.99). Callback number: {PHONE_NUMBER}.',
  ],
  ['ticket', 'Please update the shipping address to {STREET_ADDRESS}, {CITY}, {POSTAL_CODE}, {COUNTRY}.'],
  ['ticket', 'Refund of 3 items (SKU 88231-B) approved for {PERSON}; card on file {CREDIT_CARD}.'],
  ['ticket', 'User reports login failures from {IP_ADDRESS} since version 4.2.1 was released.'],
  ['ticket', 'Ticket 6033391: {PERSON} cannot open {URL} after the 10.3 update.'],
  [
    'email',
    'Dear {PERSON},\nthank you for your payment of EUR 320.00 to {IBAN_CODE}.\nKind regards,\n{PERSON}',
  ],
  [
    'email',
    'Hello {PERSON}, your appointment is confirmed for {DATE_TIME}. Reply to {EMAIL_ADDRESS} to reschedule.',
  ],
  [
    'email',
    'From: {PERSON} <{EMAIL_ADDRESS}>\nSubject: contract 7781\nPlease send the signed copy to {ORGANIZATION} by {DATE_TIME}.',
  ],
  [
    'email',
    'Best regards,\n{PERSON}\n{ORGANIZATION}\n{STREET_ADDRESS}, {POSTAL_CODE} {CITY}\nTel. {PHONE_NUMBER}',
  ],
  ['chat', 'hey its {PERSON} again, still waiting on the package, tracking says 1Z999 was 2 days late'],
  ['chat', 'ok my email is {EMAIL_ADDRESS} and phone {PHONE_NUMBER}, thanks!!'],
  ['chat', 'I moved to {CITY}, {STATE} last month, can you change it? new zip is {POSTAL_CODE}'],
  ['chat', 'can u check ip {IP_ADDRESS}? it hit the API 1607635102 times, rate -0.96'],
  [
    'notes',
    'Spoke with {PERSON} from {ORGANIZATION}. They want 25 licences at 19.90 each, renewal on {DATE_TIME}.',
  ],
  ['notes', '{PERSON} ({EMAIL_ADDRESS}) asked us to remove her data. Account 000451 closed.'],
  ['notes', 'Meeting notes: {PERSON}, {PERSON} and {PERSON} agreed on a budget of 45000 for Q3.'],
  [
    'medical',
    'Patient {PERSON}, DOB {DATE_TIME}, SSN {US_SSN}, admitted to ward 7 with a temperature of 38.5.',
  ],
  ['medical', 'Dr. {PERSON} prescribed 20 mg twice daily; follow-up at {STREET_ADDRESS}, {CITY}.'],
  ['medical', 'Patient lives in {CITY}, {COUNTRY}. Contact next of kin {PERSON} at {PHONE_NUMBER}.'],
  ['hr', 'Employee {PERSON} (SSN {US_SSN}) joined {ORGANIZATION} on {DATE_TIME} with a salary of 72,000.'],
  ['hr', 'Salary to be paid into {IBAN_CODE}, reference 2291-A, for {PERSON}.'],
  ['hr', 'Emergency contact for {PERSON}: {PERSON}, {PHONE_NUMBER}, {STREET_ADDRESS}.'],
  [
    'shipping',
    'Ship 12 boxes (weight 4.5 kg) to {PERSON}, {STREET_ADDRESS}, {POSTAL_CODE} {CITY}, {COUNTRY}.',
  ],
  ['shipping', 'Deliver to: {STREET_ADDRESS}\n{CITY}, {STATE} {POSTAL_CODE}\nRecipient: {PERSON}'],
  ['shipping', 'Package 3 of 5 left the depot in {CITY} at 14:05 on its way to {COUNTRY}.'],
  ['payment', 'Card {CREDIT_CARD} was declined for {PERSON} at {DATE_TIME}; amount 59.00 USD.'],
  ['payment', 'Please wire 1500 EUR to {IBAN_CODE} (beneficiary {ORGANIZATION}).'],
  ['web', 'Visit {URL} or write to {EMAIL_ADDRESS}; server {IP_ADDRESS} is on version 2.14.0.'],
  ['neutral', 'The build finished in 42 seconds with 3 warnings and 0 errors.'],
  ['neutral', 'May I help you with anything else? Will you be back on Monday?'],
  ['neutral', 'what is letter 96c in the table, and why is row 6033391 empty?'],
  ['neutral', 'Total: 1607635102.00 -0.96 (rounded), 12 items in stock, version 3.1.4.'],
  ['neutral', 'Mark the ticket as done and grant access to the Green team in June.'],
];

/**
 * Held-out templates: new phrasings and layouts never used while tuning the detectors (`--heldout`).
 * Scores on these show whether a rule learnt the general shape or only the main corpus's sentences.
 */
const HELDOUT_TEMPLATES: readonly [string, string][] = [
  ['ticket', 'Order 55120 for {PERSON} is on hold. Address on file: {STREET_ADDRESS}, {CITY} {POSTAL_CODE}.'],
  ['ticket', 'Returned parcel from {CITY} ({COUNTRY}); sender {PERSON} asked for a refund of 12.50.'],
  ['email', 'Hi team,\n{PERSON} will visit our office in {CITY} next week.\nThanks, {PERSON}'],
  [
    'email',
    'Invoice 2291 was sent to {ORGANIZATION}, attn. {PERSON}, {STREET_ADDRESS}, {POSTAL_CODE} {CITY}.',
  ],
  ['chat', 'we r based in {CITY} {STATE}, zip code {POSTAL_CODE}. ask for {PERSON}'],
  ['chat', 'pls send it to {STREET_ADDRESS} ({CITY}) before friday, {PERSON} will sign'],
  ['notes', 'Call log 14:30 - {PERSON} ({PHONE_NUMBER}) confirmed the new address {STREET_ADDRESS}, {CITY}.'],
  ['notes', 'Visited {ORGANIZATION} in {CITY}, {COUNTRY}; met {PERSON} and {PERSON} about 3 open issues.'],
  ['medical', 'Referral: {PERSON}, born {DATE_TIME}, resident of {CITY}, {STATE}. Allergies: none.'],
  ['hr', 'New hire {PERSON} relocates from {CITY}, {COUNTRY} to our {CITY} site on {DATE_TIME}.'],
  ['shipping', 'Consignee: {PERSON}\n{STREET_ADDRESS}\n{POSTAL_CODE} {CITY}\n{COUNTRY}'],
  ['shipping', 'Pickup point changed to {STREET_ADDRESS} in {CITY}. Pallets: 4, weight 120 kg.'],
  ['shipping', 'Mail to: {PERSON}, {STREET_ADDRESS}, {CITY}, {STATE} {POSTAL_CODE}'],
  ['payment', '{PERSON} paid 89.90 by card {CREDIT_CARD}; billing city {CITY}, postcode {POSTAL_CODE}.'],
  ['neutral', 'Release 7.4 moves the Paris office dashboard to the new server in June.'],
  ['neutral', 'IPHONE 15 PRO and GALAXY S24 sold 340 units in May; Washington Street store closed at 18:00.'],
  ['neutral', 'The Jordan river project and the Victoria line upgrade cost 2.5 million.'],
];

const STATE_LOCALES = ['en_US'];

type Generator = (f: Faker, pick: Picker) => string;
interface Picker {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

function luhnComplete(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}

function ibanCheck(country: string, bban: string): string {
  const moved = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of moved) rest = (rest * 10 + Number(ch)) % 97;
  return String(98 - rest).padStart(2, '0');
}

function digits(p: Picker, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(p.int(0, 9));
  return s;
}

const GENERATORS: Record<string, Generator> = {
  PERSON: (f, p) => {
    const first = f.person.firstName();
    const last = f.person.lastName();
    return p.chance(0.1) ? `${first.charAt(0)}. ${last}` : `${first} ${last}`;
  },
  EMAIL_ADDRESS: (f) => f.internet.email(),
  PHONE_NUMBER: (f, p) => f.phone.number({ style: p.chance(0.5) ? 'international' : 'national' }),
  CREDIT_CARD: (_f, p) => {
    const prefix = p.pick(['4', '51', '52', '55', '37']);
    const length = prefix === '37' ? 15 : 16;
    const number = luhnComplete(prefix + digits(p, length - prefix.length - 1));
    const sep = p.pick([' ', '-', '']);
    return length === 16 ? (number.match(/.{4}/g) ?? []).join(sep) : number;
  },
  IBAN_CODE: (_f, p) => {
    const [country, bban] = p.pick([
      ['DE', digits(p, 18)],
      ['NL', `ABNA${digits(p, 10)}`],
      ['FR', digits(p, 23)],
      ['GB', `NWBK${digits(p, 14)}`],
      ['ES', digits(p, 20)],
    ] as const);
    const iban = `${country}${ibanCheck(country, bban)}${bban}`;
    return p.chance(0.5) ? (iban.match(/.{1,4}/g) ?? []).join(' ') : iban;
  },
  US_SSN: (_f, p) => {
    let area = p.int(1, 899);
    if (area === 666) area = 665;
    return `${String(area).padStart(3, '0')}-${String(p.int(1, 99)).padStart(2, '0')}-${String(p.int(1, 9999)).padStart(4, '0')}`;
  },
  IP_ADDRESS: (f, p) => (p.chance(0.8) ? f.internet.ipv4() : f.internet.ipv6()),
  URL: (f) => f.internet.url() + (f.datatype.boolean() ? `/${f.lorem.slug(2)}` : ''),
  DATE_TIME: (f, p) => {
    const d = f.date.between({ from: '1950-01-01', to: '2030-12-31' });
    const months = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    const dd = String(d.getUTCDate()).padStart(2, '0');
    const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
    const y = d.getUTCFullYear();
    return p.pick([
      `${y}-${mm}-${dd}`,
      `${mm}/${dd}/${y}`,
      `${dd}.${mm}.${y}`,
      `${months[d.getUTCMonth()] ?? 'May'} ${d.getUTCDate()}, ${y}`,
      `${d.getUTCDate()} ${months[d.getUTCMonth()] ?? 'May'} ${y}`,
    ]);
  },
  ORGANIZATION: (f, p) =>
    p.pick([
      () => f.company.name(),
      () =>
        `${f.person.lastName()} ${p.pick(['GmbH', 'AG', 'Ltd', 'S.p.A.', 'SAS', 'B.V.', 'Inc.', 'LLC', 'Oy', 'AB', 'plc'])}`,
    ])(),
  STREET_ADDRESS: (f) => f.location.streetAddress(),
  CITY: (f) => f.location.city(),
  STATE: (f, p) => (p.chance(0.5) ? f.location.state({ abbreviated: true }) : f.location.state()),
  POSTAL_CODE: (f) => f.location.zipCode(),
  COUNTRY: (f) => f.location.country(),
};

function addNoise(text: string, spans: GoldSpan[], random: () => number): string {
  // Doubles some spaces outside spans (labels shift with them) — noisy but label-preserving.
  let out = '';
  const shifted = spans.map((s) => ({ ...s }));
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    out += c;
    const inside = spans.some((s) => i >= s.start && i < s.end);
    if (c === ' ' && !inside && random() < 0.15) {
      out += ' ';
      for (const s of shifted) if (s.start > i) Object.assign(s, { start: s.start + 1, end: s.end + 1 });
    }
  }
  spans.splice(0, spans.length, ...shifted);
  return out;
}

export interface CorpusOptions {
  /** Use the held-out templates instead of the main ones. */
  readonly heldout?: boolean;
}

export function generateCorpus(count: number, seed = 20261127, options: CorpusOptions = {}): LabelledText[] {
  const templates = options.heldout === true ? HELDOUT_TEMPLATES : TEMPLATES;
  const random = mulberry32(seed);
  const picker: Picker = {
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T,
    chance: (p) => random() < p,
  };
  const fakers = allFakers as unknown as Record<string, Faker>;
  const out: LabelledText[] = [];
  for (let n = 0; n < count; n++) {
    const [family, template] = picker.pick(templates);
    const nameFaker = fakers[picker.pick(NAME_LOCALES)] ?? fakers.en!;
    const addressLocale = template.includes('{STATE}')
      ? picker.pick(STATE_LOCALES)
      : picker.pick(ADDRESS_LOCALES);
    const placeFaker = fakers[addressLocale] ?? fakers.en!;
    nameFaker.seed(Math.floor(random() * 2 ** 31));
    placeFaker.seed(Math.floor(random() * 2 ** 31));
    const casing = random();
    const variant = casing < 0.1 ? 'upper' : casing < 0.2 ? 'lower' : casing < 0.3 ? 'noisy' : 'plain';
    let text = '';
    const spans: GoldSpan[] = [];
    let last = 0;
    for (const m of template.matchAll(/\{([A-Z_]+)\}/g)) {
      text += template.slice(last, m.index);
      const kind = m[1] ?? '';
      const generator = GENERATORS[kind];
      if (generator === undefined) throw new Error(`no generator for ${kind}`);
      const useNames = kind === 'PERSON' || kind === 'EMAIL_ADDRESS' || kind === 'PHONE_NUMBER';
      const value = generator(useNames ? nameFaker : placeFaker, picker).replace(/\s+/g, ' ');
      spans.push({ type: kind, start: text.length, end: text.length + value.length });
      text += value;
      last = m.index + m[0].length;
    }
    text += template.slice(last);
    // Per character, so that offsets survive ("ß".toUpperCase() is two characters).
    if (variant === 'upper')
      text = [...text].map((c) => (c.toUpperCase().length === c.length ? c.toUpperCase() : c)).join('');
    if (variant === 'lower')
      text = [...text].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join('');
    if (variant === 'noisy') text = addNoise(text, spans, random);
    out.push({ id: `t${n}`, text, spans, tags: [family, variant] });
  }
  return out;
}

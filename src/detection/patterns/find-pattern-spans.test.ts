import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../catalogue/index.js';
import { luhnCheckDigit } from '../validators/index.js';
import { findPatternSpans, findPatternSpansAll, findScoredPatternSpans } from './find-pattern-spans.js';

const catalogue = defaultCatalogue(fileURLToPath(new URL('../../../', import.meta.url)));

/** Spans as `TYPE:text` for readable assertions. */
function found(text: string): string[] {
  return findPatternSpans(text, catalogue).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

function scoreOf(text: string, type: string, minScore = 0): number | undefined {
  return findScoredPatternSpans(text, catalogue, { minScore, keepOverlaps: true }).find(
    (s) => s.type === type,
  )?.score;
}

const card = (body: string): string => body + String(luhnCheckDigit(body));
function nhs(body: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
  return body + String((11 - (sum % 11)) % 11);
}

describe('findPatternSpans: one positive and one negative per entity family', () => {
  const cases: [string, string, string][] = [
    ['EMAIL_ADDRESS', 'mail me at jane.roe@example.com today', 'the address a@b is incomplete'],
    ['PHONE_NUMBER', 'call +44 20 7946 0958 now', 'timestamp 1700000000 logged'],
    ['CREDIT_CARD', `paid with ${card('411111111111111')}`, `ref ${card('900000000000000')}`],
    ['US_SSN', 'SSN 536-22-1234 on file', 'SSN 666-22-1234 on file'],
    ['IP_ADDRESS', 'from 10.20.30.40 yesterday', 'from 300.20.30.40 yesterday'],
    ['MAC_ADDRESS', 'device 00:1A:2B:3C:4D:5E', 'device 00:1A-2B:3C:4D:5E'],
    ['URL', 'see https://example.org/path', 'see http://notatld.zzzz'],
    ['DATE_TIME', 'on 2021-06-30 we met', 'on 2021-02-30 we met'],
    ['IBAN_CODE', 'IBAN GB33BUKB20201555555555', 'IBAN GB00BUKB20201555555555'],
    ['UK_NHS', `NHS number ${nhs('943476591')}`, 'NHS number 9434765918 wrong'],
    ['AGE', 'she is 42 years old', 'it took 42 years'],
    ['PASSWORD', 'password: Tr0ub4dor&3', 'password is required'],
    ['STREET_ADDRESS', 'lives at 221 Baker Street now', 'we ate 3 apples and the road'],
    ['ORGANIZATION', 'works for Acme Widgets Inc. now', 'they formed an llc later'],
    ['MEDICAL_RECORD_NUMBER', 'MRN: 12345678 admitted', 'the record 12345678 admitted'],
    ['POSTAL_CODE', 'Springfield, IL 62704', 'we sold 62704 units'],
  ];
  for (const [type, positive, negative] of cases) {
    it(type, () => {
      expect(found(positive).some((s) => s.startsWith(`${type}:`))).toBe(true);
      expect(found(negative).some((s) => s.startsWith(`${type}:`))).toBe(false);
    });
  }
});

describe('context', () => {
  it('raises a weak match when a context word is near, on either side', () => {
    expect(found('my ssn is 536221234')).toContain('US_SSN:536221234');
    expect(found('536221234 is my ssn')).toContain('US_SSN:536221234');
    expect(found('number 536221234 here')).not.toContain('US_SSN:536221234');
  });

  it('matches context as whole words only: "lic" is not inside "duplicate"', () => {
    expect(found('lic A1234567')).toContain('US_DRIVER_LICENSE:A1234567');
    expect(found('duplicate A1234567')).toEqual([]);
  });

  it('matches multi-word context as consecutive words', () => {
    expect(found('social security 536221234')).toContain('US_SSN:536221234');
    expect(found('social club security 536221234')).not.toContain('US_SSN:536221234');
  });

  it('lowers the score with negative context', () => {
    const plain = scoreOf('host 1.2.3.4 up', 'IP_ADDRESS') ?? 0;
    const version = scoreOf('version 1.2.3.4 up', 'IP_ADDRESS') ?? 0;
    expect(version).toBeLessThan(plain);
  });

  it('a validator pass alone does not reach 1.0', () => {
    expect(scoreOf('4111111111111111', 'CREDIT_CARD')).toBeLessThan(1);
    expect(scoreOf('visa card 4111111111111111', 'CREDIT_CARD')).toBe(1);
  });

  it('birth context turns a date into DATE_OF_BIRTH', () => {
    expect(found('born on 12 March 1985')).toEqual(['DATE_OF_BIRTH:12 March 1985']);
    expect(found('meeting on 12 March 1985')).toEqual(['DATE_TIME:12 March 1985']);
  });
});

describe('known false-positive classes', () => {
  it('prices, years, quantities and order numbers are not personal data', () => {
    expect(found('Total $1,234.56 for 3 items in 2023.')).toEqual([]);
    expect(found('order 123456789 shipped, invoice 9876543210')).toEqual([]);
    expect(found('we shipped 1500000 units in 2019 and 2020')).toEqual([]);
  });

  it('timestamps and GUIDs do not become phone numbers', () => {
    expect(found('at 1700000000 the job ran')).toEqual([]);
    expect(found('id 550e8400-e29b-41d4-a716-446655440000 failed')).toEqual([]);
  });

  it('a version string with context "version" scores lower than an address', () => {
    const version = scoreOf('version 1.2.3.4', 'IP_ADDRESS') ?? 0;
    expect(version).toBeLessThan(scoreOf('client 10.1.2.3', 'IP_ADDRESS') ?? 0);
  });

  it('file names are not domains', () => {
    expect(found('edit setup.py and README.md')).toEqual([]);
    expect(found('visit example.com')).toContain('DOMAIN_NAME:example.com');
  });
});

describe('ALL-CAPS and overlaps', () => {
  it('finds entities in ALL-CAPS text', () => {
    const spans = found('MR JOHN SMITH, JOHN.SMITH@EXAMPLE.COM, 123 MAIN STREET, SSN 536-22-1234');
    expect(spans).toEqual(
      expect.arrayContaining([
        'PERSON:JOHN SMITH',
        'EMAIL_ADDRESS:JOHN.SMITH@EXAMPLE.COM',
        'STREET_ADDRESS:123 MAIN STREET',
        'US_SSN:536-22-1234',
      ]),
    );
  });

  it('resolves overlaps: e-mail over its domain, URL over its host, one span per region', () => {
    expect(found('write to a.b@example.com')).toEqual(['EMAIL_ADDRESS:a.b@example.com']);
    expect(found('open http://10.0.0.1/admin')).toEqual(['URL:http://10.0.0.1/admin']);
    const spans = findPatternSpans('SSN 536-22-1234 and 4111 1111 1111 1111', catalogue);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]?.start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0);
  });

  it('keepOverlaps returns competing kinds for the combiner', () => {
    const all = findScoredPatternSpans('visit example.com', catalogue, { keepOverlaps: true, minScore: 0 });
    expect(all.map((s) => s.type)).toContain('DOMAIN_NAME');
  });

  it('reports offsets as JavaScript string indexes, detector names the rule', () => {
    const text = 'Zoë → mail zoe@example.com';
    const [span] = findPatternSpans(text, catalogue);
    expect(text.slice(span?.start, span?.end)).toBe('zoe@example.com');
    expect(span?.detector).toBe('pattern:email_address.email');
  });
});

describe('recall fixes: IPs, phones and dates in general forms', () => {
  // What the product acts on: spans at or above the text detector's threshold (detect-text.ts).
  const acted = (text: string): string[] =>
    findPatternSpans(text, catalogue, { minScore: 0.5 }).map(
      (s) => `${s.type}:${text.slice(s.start, s.end)}`,
    );

  it('an address followed by an unrelated "version" stays an address; "version 1.2.3.4" does not', () => {
    expect(acted('login failures from 97.77.220.63 since version 4.2.1 was released')).toContain(
      'IP_ADDRESS:97.77.220.63',
    );
    expect(acted('failures from 2ebf:130b:e2ca:c12f:d1fd:df5f:fcc9:6b92 since version 4')).toContain(
      'IP_ADDRESS:2ebf:130b:e2ca:c12f:d1fd:df5f:fcc9:6b92',
    );
    expect(acted('upgraded to version 1.2.3.4 today')).not.toContain('IP_ADDRESS:1.2.3.4');
  });

  it('reads six-digit area codes and long subscriber groups; order numbers and prices stay out', () => {
    expect(acted('Tel. 016977 8835')).toContain('PHONE_NUMBER:016977 8835');
    expect(acted('call 030 12345678 today')).toContain('PHONE_NUMBER:030 12345678');
    expect(acted('Callback number: 2025550143')).toContain('PHONE_NUMBER:2025550143');
    expect(acted('order 123456 7890 shipped')).toEqual([]);
    expect(acted('total 1 234 567.89 EUR')).toEqual([]);
  });

  it('an international number of a length its country uses counts even outside allocated ranges', () => {
    expect(acted('phone +33 7 20 52 58 28')).toContain('PHONE_NUMBER:+33 7 20 52 58 28');
    expect(acted('phone +999 123')).toEqual([]);
  });

  it('a time alone is not reported; with an appointment or its date it is', () => {
    expect(acted('the store closed at 18:00.')).toEqual([]);
    expect(acted('appointment at 14:30 confirmed')).toContain('DATE_TIME:14:30');
    expect(acted('on 2021-06-30 14:30 we met')).toContain('DATE_TIME:2021-06-30 14:30');
  });
});

describe('digit_run prefilter', () => {
  it('a dated text still yields its dates; a text without a 4-digit run skips the year rules', () => {
    expect(found('Met on 12 March 1985 and in May 1990.')).toEqual([
      'DATE_TIME:12 March 1985',
      'DATE_TIME:May 1990',
    ]);
    expect(found('Seen on 2024-03-05, again on 05/03/2024.')).toEqual([
      'DATE_TIME:2024-03-05',
      'DATE_TIME:05/03/2024',
    ]);
    // Runs of 5 and 3 digits, no run of exactly 4: no year can be read, nothing is reported as a date.
    expect(found('March 19855 and 12 March 198').filter((s) => s.startsWith('DATE_TIME'))).toEqual([]);
  });
});

describe('scan plan: prefilters worked out once per catalogue must not skip a rule that can match', () => {
  it('a rule too weak for one minScore is skipped there and still scanned under a lower one', () => {
    // The bare account-number rule scores 0.04: no candidate of it can reach 0.5, so it is not scanned
    // at 0.5 — and the plan made for 0.5 must not keep it from being read at 0.
    const text = 'x 4111111111111111 y';
    expect(scoreOf(text, 'US_BANK_NUMBER', 0.5)).toBeUndefined();
    expect(scoreOf(text, 'US_BANK_NUMBER', 0)).toBe(0.04);
    expect(scoreOf(text, 'CREDIT_CARD', 0.5)).toBe(0.85);
    // With context the same rule reaches the default threshold.
    expect(found('bank account number 12345678901').some((s) => s.startsWith('US_BANK_NUMBER:'))).toBe(true);
  });

  it('literals shared by several rules are tested once, case-insensitively, for each rule that needs them', () => {
    expect(found('PASSWORD: Tr0ub4dor&3')).toContain('PASSWORD:Tr0ub4dor&3');
    // "age" fails for the second rule but "old" holds: a literal memo must not leak from one rule to another.
    expect(found('she is 42 years old')).toContain('AGE:42');
    expect(found('Patient aged 42, admitted')).toContain('AGE:42');
  });

  it('plans per `entities` array: each array gets its own, and a derived entity scans its source rules', () => {
    const text = 'born on 12 March 1985, mail jane.roe@example.com';
    const email = findPatternSpans(text, catalogue, { entities: ['EMAIL_ADDRESS'] });
    const birth = findPatternSpans(text, catalogue, { entities: ['DATE_OF_BIRTH'] });
    expect(email.map((s) => s.type)).toEqual(['EMAIL_ADDRESS']);
    expect(birth.map((s) => `${s.type}:${text.slice(s.start, s.end)}`)).toEqual([
      'DATE_OF_BIRTH:12 March 1985',
    ]);
  });
});

describe('findPatternSpansAll: rule by rule over a batch, the same spans as text by text', () => {
  it('gives each text the spans findPatternSpans gives it alone, neighbours and empty texts included', () => {
    const texts = [
      'mail me at jane.roe@example.com today',
      '',
      'PASSWORD: Tr0ub4dor&3 and card ' + card('411111111111111'),
      'call +44 20 7946 0958 now, born on 12 March 1985',
      'Ann Lee, 555-201-4477',
      'NHS number ' + nhs('943476591') + ' — Zoë Müller, 10.0.0.1',
      'nothing here at all',
      'she is 42 years old; plate AB-12-CD; account number 12345678901',
    ];
    // A person right before a number lets the number count as theirs: only text 4 has one.
    const neighbours = texts.map((t) =>
      t.startsWith('Ann Lee')
        ? [{ type: 'PERSON', start: 0, end: 7, score: 0.9, detector: 'test' }]
        : undefined,
    );
    for (const only of [{}, { entities: ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'DATE_OF_BIRTH', 'UK_NHS'] }]) {
      const batch = findPatternSpansAll(texts, catalogue, { ...only, neighbours });
      const alone = texts.map((t, i) => {
        const near = neighbours[i];
        return findPatternSpans(t, catalogue, near === undefined ? only : { ...only, neighbours: near });
      });
      expect(batch).toEqual(alone);
    }
    // Not vacuous: most texts have spans, and the batch keeps them apart.
    const spans = findPatternSpansAll(texts, catalogue);
    expect(spans.filter((s) => s.length > 0).length).toBeGreaterThanOrEqual(6);
    expect(spans[1]).toEqual([]);
    expect(spans[0]?.map((s) => s.type)).toContain('EMAIL_ADDRESS');
  });
});

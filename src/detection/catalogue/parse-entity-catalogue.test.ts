import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/index.js';
import { defaultCatalogue, loadEntityCatalogue } from './load-entity-catalogue.js';
import { parseEntityCatalogue } from './parse-entity-catalogue.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const entity = (extra: string): string => `version: 1
entities:
  - id: THING
    label: Thing
    description: A test entity.
${extra}`;

function errorOf(text: string): GatewayError {
  try {
    parseEntityCatalogue(text, 'test.yaml');
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseEntityCatalogue', () => {
  it('loads the shipped catalogue: at least 40 entities, every one with an action, lookup by id', () => {
    const catalogue = defaultCatalogue(ROOT);
    expect(catalogue.entities.length).toBeGreaterThanOrEqual(40);
    expect(catalogue.get('EMAIL_ADDRESS')?.action).toEqual({ kind: 'substitute', entity: 'email' });
    expect(catalogue.get('IBAN_CODE')?.action).toEqual({ kind: 'hash' });
    expect(catalogue.get('DATE_OF_BIRTH')?.patternsFrom).toBe('DATE_TIME');
    expect(catalogue.has('NOPE')).toBe(false);
    for (const id of [
      'PERSON',
      'PHONE_NUMBER',
      'CREDIT_CARD',
      'US_SSN',
      'IP_ADDRESS',
      'LOCATION',
      'URL',
      'API_KEY',
    ]) {
      expect(catalogue.has(id)).toBe(true);
    }
    expect(defaultCatalogue(ROOT)).toBe(catalogue);
  });

  it('marks bare digit-run rules for the shared run scan, and only those', () => {
    const c = parseEntityCatalogue(
      `version: 1
macros: { nb: '(?<![\\w-])', na: '(?![\\w-])' }
entities:
  - id: THING
    label: Thing
    description: A test entity.
    substitute: string
    negative_context_window: { before: 2, after: 0 }
    patterns:
      - { name: bare, regex: '{{nb}}\\d{9}{{na}}', score: 0.1 }
      - { name: ranged, regex: '{{nb}}(?:19|20)\\d{2}[2-9]\\d{3}{{na}}', score: 0.1 }
      - { name: dashed, regex: '{{nb}}\\d{4}-?\\d{4}{{na}}', score: 0.1 }
      - { name: either, regex: '{{nb}}\\d{8}|\\d{10}{{na}}', score: 0.1 }
      - { name: letters, regex: '{{nb}}[A-Z]\\d{8}{{na}}', score: 0.1 }
`,
      't.yaml',
    );
    const runs = c.get('THING')?.patterns.map((p) => p.digitRun?.source);
    expect(runs).toEqual([
      '^(?:\\d{9})$',
      '^(?:(?:19|20)\\d{2}[2-9]\\d{3})$',
      undefined,
      undefined,
      undefined,
    ]);
    expect(c.digitRuns?.source).toBe('(?<![\\w-])\\d+(?![\\w-])');
    expect(c.get('THING')?.negativeWindow).toEqual({ before: 2, after: 0 });
    expect(c.get('THING')?.window).toEqual({ before: 5, after: 3 });
  });

  it('compiles macros, flags, value groups and context terms', () => {
    const c = parseEntityCatalogue(
      `version: 1
macros: { d4: '\\d{4}' }
entities:
  - id: THING
    label: Thing
    description: A test entity.
    substitute: string
    patterns:
      - { name: code, regex: 'code:\\s?(?<value>{{d4}})', score: 0.5, flags: i, prefilter: { any_of: ['code'] } }
    context: [thing, social security]
`,
      't.yaml',
    );
    const p = c.get('THING')?.patterns[0];
    expect(p?.scan.source).toBe('code:\\s?(?<value>\\d{4})');
    expect(p?.scan.flags).toContain('i');
    expect(p?.hasValueGroup).toBe(true);
    expect(c.get('THING')?.context.phrases).toEqual([['social', 'security']]);
    expect([p?.minDigits, p?.runLength]).toEqual([0, 0]);
  });

  it('reads the digit_run prefilter', () => {
    const c = parseEntityCatalogue(
      `version: 1
entities:
  - id: THING
    label: Thing
    description: A test entity.
    substitute: string
    patterns:
      - { name: year, regex: '\\b\\d{4}\\b', score: 0.5, prefilter: { min_digits: 4, digit_run: 4 } }
`,
      't.yaml',
    );
    const p = c.get('THING')?.patterns[0];
    expect([p?.minDigits, p?.runLength]).toEqual([4, 4]);
  });

  it('names the entity and rule for a regex that does not compile, without quoting it', () => {
    const e = errorOf(
      entity(
        `    substitute: string\n    patterns:\n      - { name: broken, regex: 'secret(unclosed', score: 0.5 }\n`,
      ),
    );
    expect(e.code).toBe('config_invalid');
    expect(e.message).toMatch(
      /test\.yaml:\d+:\d+: entities\[0\]\.patterns\[0\]\.regex: entity THING rule broken: the regex does not compile/,
    );
    expect(e.message).not.toContain('secret(unclosed');
  });

  it('rejects an unknown validator with the closed list', () => {
    const e = errorOf(entity('    substitute: string\n    validator: astrology\n'));
    expect(e.message).toMatch(/test\.yaml:7:\d+: entities\[0\]\.validator: expected one of: luhn/);
  });

  it('rejects a duplicate id, an unknown substitute kind, a missing action and an unknown macro', () => {
    const dup = `version: 1
entities:
  - { id: A, label: A, description: a, substitute: email }
  - { id: A, label: B, description: b, substitute: email }
`;
    expect(errorOf(dup).message).toMatch(/test\.yaml:4:\d+: entities\[1\]\.id: duplicate entity id A/);
    expect(errorOf(entity('    substitute: spaceship\n')).message).toMatch(
      /entities\[0\]\.substitute: expected one of: first_name/,
    );
    expect(errorOf(entity('    patterns: []\n')).message).toMatch(/give exactly one of: substitute, action/);
    expect(
      errorOf(
        entity(`    substitute: string\n    patterns:\n      - { name: m, regex: '{{nope}}', score: 0.5 }\n`),
      ).message,
    ).toMatch(/unknown macro \{\{nope\}\}/);
  });

  it('reports YAML syntax errors with file:line:col and never the YAML library text', () => {
    const e = errorOf('version: 1\nentities:\n  - id: "unterminated\n');
    expect(e.message).toMatch(/test\.yaml:\d+:\d+: YAML syntax:/);
    expect(e.message).not.toContain('unterminated');
  });

  it('reports an unreadable file by errno code', () => {
    expect(() => loadEntityCatalogue('/nonexistent/entities.yaml')).toThrow(
      /cannot read entity catalogue .*ENOENT/,
    );
  });
});

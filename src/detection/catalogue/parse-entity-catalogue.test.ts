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

import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../core/index.js';
import { defaultColumnNameRules, parseColumnNameRules } from './column-name-rules.js';

const MINIMAL = `version: 1
abbreviations: {}
contexts:
  people: { tables: [customer], neighbours: [] }
names:
  - entity: EMAIL_ADDRESS
    confidence: 0.9
    phrases: [email]
negatives: []
not_personal: []
free_text: { phrases: [notes] }
checkable_by_values: []
`;

function errorOf(fn: () => unknown): { message: string; code: string } {
  try {
    fn();
  } catch (e) {
    if (isGatewayError(e)) return { message: e.message, code: e.code };
    throw e;
  }
  throw new Error('expected an error');
}

describe('parseColumnNameRules', () => {
  it('loads the bundled rules with many hints', () => {
    const rules = defaultColumnNameRules();
    expect(rules.hints.length).toBeGreaterThan(50);
    expect(rules.abbreviations.get('fname')).toEqual(['first', 'name']);
  });

  it('parses a minimal file', () => {
    expect(parseColumnNameRules(MINIMAL, 'x.yaml').hints[0]?.phrases).toEqual([['email']]);
  });

  it('names file:line:column and the path for a schema error', () => {
    const err = errorOf(() =>
      parseColumnNameRules(MINIMAL.replace('confidence: 0.9', 'confidence: 9'), 'x.yaml'),
    );
    expect(err.code).toBe('config_invalid');
    expect(err.message).toContain('x.yaml:7:');
    expect(err.message).toContain('names[0].confidence');
  });

  it('locates an unknown key and an unknown context class', () => {
    const unknown = errorOf(() =>
      parseColumnNameRules(
        MINIMAL.replace('    phrases: [email]', '    phrases: [email]\n    colour: red'),
        'x.yaml',
      ),
    );
    expect(unknown.message).toMatch(/x\.yaml:9:5: names\[0\]: unknown key "colour"/);
    const context = errorOf(() =>
      parseColumnNameRules(
        MINIMAL.replace('    phrases: [email]', '    phrases: [email]\n    context: [aliens]'),
        'x.yaml',
      ),
    );
    expect(context.message).toContain('unknown context class');
  });

  it('reports YAML syntax errors with a position and without quoting the source', () => {
    const err = errorOf(() => parseColumnNameRules('version: 1\nnames: [secret-value\n', 'x.yaml'));
    expect(err.message).toMatch(/x\.yaml:\d+:\d+: YAML syntax/);
    expect(err.message).not.toContain('secret-value');
  });
});

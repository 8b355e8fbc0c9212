import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import { GatewayError, Secret, type ActionSpec } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';
import { outputConstraints } from './output-constraints.js';

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 7)));
const jsonb = columnInfo({ name: 'profile', dataType: 'jsonb', baseType: 'jsonb', category: 'json' });

function compile(action: ActionSpec, findSpans?: (t: string) => never[]) {
  return compileTransform(action, {
    column: jsonb,
    seeder,
    isUnique: false,
    columnIndexByName: new Map(),
    rowKeyIndexes: [],
    ...(findSpans === undefined ? {} : { findSpans }),
  });
}

// Written as text: 12345678901234567890 is beyond a double, which is the point of one test.
const doc =
  '{"contact": {"name": "Ada Lovelace", "email": "ada@example.com", "phones": ["+44 20 7946 0000", "+44 20 7946 0001"]}, ' +
  '"prefs": {"newsletter": true, "theme": "dark"}, "score": 12345678901234567890, "tags": [{"label": "vip"}]}';

describe('compileTransform(json)', () => {
  const action: ActionSpec = {
    kind: 'json',
    paths: {
      '$.contact.name': { kind: 'substitute', entity: 'full_name' },
      '$.contact.email': { kind: 'substitute', entity: 'email' },
      '$.contact.phones[*]': { kind: 'substitute', entity: 'phone' },
    },
    other: 'keep',
  };

  it('substitutes the named leaves and keeps structure, keys and every other leaf', () => {
    const out = JSON.parse(compile(action)(doc, []) ?? 'null') as Record<string, Record<string, unknown>>;
    expect(Object.keys(out)).toEqual(['contact', 'prefs', 'score', 'tags']);
    expect(out.contact?.name).not.toBe('Ada Lovelace');
    expect(out.contact?.email).toMatch(/@/);
    expect(out.contact?.email).not.toBe('ada@example.com');
    expect(out.contact?.phones).toHaveLength(2);
    expect(out.prefs).toEqual({ newsletter: true, theme: 'dark' });
    expect(out.tags).toEqual([{ label: 'vip' }]);
  });

  it('keeps number literals exactly (no float rounding of big ids)', () => {
    expect(compile(action)(doc, [])).toContain('"score": 12345678901234567890');
  });

  it('gives a leaf the same fake as a column of the same kind', () => {
    const column = compileTransform(
      { kind: 'substitute', entity: 'email' },
      {
        column: columnInfo({ name: 'email' }),
        seeder,
        isUnique: false,
        columnIndexByName: new Map(),
        rowKeyIndexes: [],
      },
    );
    const out = JSON.parse(compile(action)(doc, []) ?? 'null') as { contact: { email: string } };
    expect(out.contact.email).toBe(column('ada@example.com', []));
  });

  it('nullifies the string leaves no path names when other is nullify', () => {
    const out = JSON.parse(compile({ kind: 'json', paths: {}, other: 'nullify' })(doc, []) ?? 'null') as {
      prefs: { newsletter: unknown; theme: unknown };
    };
    expect(out.prefs).toEqual({ newsletter: true, theme: null });
  });

  it('sends the other string leaves through span detection by default', () => {
    const seen: string[] = [];
    const transform = compile({ kind: 'json', paths: {}, other: 'redact_text' }, (text) => {
      seen.push(text);
      return [];
    });
    expect(transform(doc, [])).toBe(doc);
    expect(seen.sort()).toEqual(
      ['+44 20 7946 0000', '+44 20 7946 0001', 'Ada Lovelace', 'ada@example.com', 'dark', 'vip'].sort(),
    );
  });

  it('fails on a value that is not JSON without quoting it', () => {
    let error: unknown;
    try {
      compile(action)('{"name": "Ada Lovelace"', []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('transform_failed');
    expect((error as GatewayError).message).not.toContain('Ada');
  });

  it('fits json and jsonb columns only', () => {
    expect(outputConstraints(action, jsonb, false).fits).toBe(true);
    expect(outputConstraints(action, columnInfo({ name: 'notes' }), false).fits).toBe(false);
  });
});

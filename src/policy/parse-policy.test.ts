import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/index.js';
import { loadPolicy, parsePolicy, policyDigest } from './index.js';

const SECRET = 'secret-person@example.com';

/** The error parsePolicy throws for `text`, which must be a policy_invalid GatewayError. */
function policyError(text: string, file = 'policies/shop.yaml'): GatewayError {
  try {
    parsePolicy(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const gatewayError = error as GatewayError;
    expect(gatewayError.code).toBe('policy_invalid');
    expect(gatewayError.message).not.toContain(SECRET);
    expect(JSON.stringify(gatewayError.details)).not.toContain(SECRET);
    expect(gatewayError.message).not.toMatch(/\n\s+at /); // no stack trace in the message
    return gatewayError;
  }
  throw new Error('expected parsePolicy to throw');
}

const customerEmail = (entry: string): string =>
  `version: 1\ntables:\n  public.customer:\n    columns:\n      email: ${entry}\n`;

describe('parsePolicy', () => {
  it('parses the format, filling in defaults and turning entries into core actions', () => {
    const policy = parsePolicy(
      `# yaml-language-server: $schema=../rules/policy.schema.json
version: 1
rules:
  - id: bookkeeping
    match: { column: last_update }
    action: keep
    reason: row bookkeeping timestamps are not personal
tables:
  public.customer:
    where: "active = 1"
    columns:
      customer_id: keep
      first_name: { action: substitute, entity: first_name }
      email: { action: substitute, entity: email, scope: person, reason: direct identifier }
      phone: mask
      create_date: { action: shift_date, max_days: 30, by: customer_id }
      born: { action: generalize, to: year }
      "*": keep
  audit_log: { skip: true }
`,
      'shop.yaml',
    );
    expect(policy).toEqual({
      version: 1,
      strict: true,
      rules: [
        {
          id: 'bookkeeping',
          match: { column: 'last_update' },
          action: { kind: 'keep' },
          reason: 'row bookkeeping timestamps are not personal',
        },
      ],
      tables: {
        'public.customer': {
          where: 'active = 1',
          skip: false,
          columns: {
            customer_id: { action: { kind: 'keep' } },
            first_name: { action: { kind: 'substitute', entity: 'first_name' } },
            email: {
              action: { kind: 'substitute', entity: 'email', scope: 'person' },
              reason: 'direct identifier',
            },
            phone: { action: { kind: 'mask', keep_first: 0, keep_last: 0, char: '*' } },
            create_date: { action: { kind: 'shift_date', max_days: 30, by: 'customer_id' } },
            born: { action: { kind: 'generalize', to: 'year' } },
            '*': { action: { kind: 'keep' } },
          },
        },
        audit_log: { skip: true, columns: {} },
      },
    });
  });

  it('accepts every action, in shorthand where it has no required options', () => {
    const policy = parsePolicy(
      `version: 1
strict: false
tables:
  t:
    columns:
      a: keep
      b: nullify
      c: drop
      d: hash
      e: redact_text
      f: { action: hash, length: 12 }
      g: { action: mask, keep_first: 1, keep_last: 2, char: "#" }
      h: { action: generalize, bucket: 10 }
      i: { action: generalize, prefix: 3 }
      j: { action: redact_text, placeholder: "[removed]" }
`,
      'p.yaml',
    );
    expect(policy.strict).toBe(false);
    expect(Object.values(policy.tables.t?.columns ?? {}).map((c) => c.action)).toEqual([
      { kind: 'keep' },
      { kind: 'nullify' },
      { kind: 'drop' },
      { kind: 'hash' },
      { kind: 'redact_text' },
      { kind: 'hash', length: 12 },
      { kind: 'mask', keep_first: 1, keep_last: 2, char: '#' },
      { kind: 'generalize', bucket: 10 },
      { kind: 'generalize', prefix: 3 },
      { kind: 'redact_text', placeholder: '[removed]' },
    ]);
  });

  it('names file, line:column, path and the expected actions for an unknown action, without the value', () => {
    const error = policyError(customerEmail(`{ action: ${SECRET} }`));
    expect(error.message).toBe(
      'invalid policy file: policies/shop.yaml:5:24: tables."public.customer".columns.email.action: expected one of: keep, substitute, mask, hash, encrypt, nullify, generalize, shift_date, redact_text, drop, json',
    );
    expect(error.details).toEqual({
      file: 'policies/shop.yaml',
      path: 'tables."public.customer".columns.email.action',
      items: [error.message.replace('invalid policy file: ', '')],
    });
  });

  it('explains the shorthand forms for an unknown action name and for actions that need options', () => {
    for (const entry of [SECRET, 'substitute']) {
      const error = policyError(customerEmail(entry));
      expect(error.message).toContain(
        'policies/shop.yaml:5:14: tables."public.customer".columns.email: expected an action name (keep, nullify, drop, hash, mask, redact_text, encrypt)',
      );
      expect(error.message).toContain('substitute, generalize and shift_date need the mapping form');
    }
  });

  it('lists the entity kinds for an unknown entity, without the value', () => {
    const error = policyError(customerEmail(`{ action: substitute, entity: ${SECRET} }`));
    expect(error.message).toMatch(
      /^invalid policy file: policies\/shop\.yaml:5:44: tables\."public\.customer"\.columns\.email\.entity: expected one of: first_name, last_name, full_name, email, phone, /,
    );
  });

  it('says a missing entity is required, pointing at the entry', () => {
    const error = policyError(customerEmail(`\n        action: substitute\n        reason: ${SECRET}`));
    expect(error.message).toMatch(
      /^invalid policy file: policies\/shop\.yaml:6:9: tables\."public\.customer"\.columns\.email\.entity: required: expected one of: first_name, /,
    );
  });

  it('says a missing action is required', () => {
    const error = policyError(customerEmail(`{ entity: email, reason: ${SECRET} }`));
    expect(error.message).toContain(
      'tables."public.customer".columns.email.action: required: expected one of: keep,',
    );
  });

  it('names an unknown key and points at it, without its value', () => {
    const error = policyError(customerEmail(`{ action: keep, note: ${SECRET} }`));
    expect(error.message).toBe(
      'invalid policy file: policies/shop.yaml:5:30: tables."public.customer".columns.email: unknown key "note"',
    );
    const topLevel = policyError(`version: 1\ntabels: { x: ${SECRET} }\n`);
    expect(topLevel.message).toBe(
      'invalid policy file: policies/shop.yaml:2:1: (document): unknown key "tabels"',
    );
  });

  it('reports YAML syntax errors with line:column and a fixed description, never the source text', () => {
    const error = policyError(customerEmail(`{ action: "${SECRET} }`));
    expect(error.message).toBe(
      'invalid policy file, 2 problems:\n  policies/shop.yaml:6:1: YAML syntax: a closing quote or bracket is missing\n  policies/shop.yaml:6:1: YAML syntax: bad indentation',
    );
    expect(policyError(`version: 1\nversion: 1\n`).message).toBe(
      'invalid policy file: policies/shop.yaml:2:1: YAML syntax: duplicate key in a mapping',
    );
    expect(policyError(`version: 1\nstrict: !!${SECRET} true\n`).message).toBe(
      'invalid policy file: policies/shop.yaml:2:9: YAML syntax: unknown YAML tag',
    );
    expect(policyError(`version: 1\nstrict: *${SECRET}\n`).message).toContain('an alias cannot be resolved');
  });

  it('rejects an unsupported version, an empty document and a wrongly typed setting', () => {
    expect(policyError('version: 2\n').message).toBe(
      'invalid policy file: policies/shop.yaml:1:10: version: expected 1',
    );
    expect(policyError('').message).toBe(
      'invalid policy file: policies/shop.yaml: (document): expected a mapping',
    );
    expect(policyError(`version: 1\nstrict: "${SECRET}"\n`).message).toBe(
      'invalid policy file: policies/shop.yaml:2:9: strict: expected a boolean',
    );
  });

  it('checks option ranges and generalize targets, listing every problem', () => {
    const error = policyError(`version: 1
tables:
  t:
    columns:
      a: { action: mask, char: "${SECRET}", keep_first: -1 }
      b: { action: shift_date, max_days: "${SECRET}" }
      c: { action: generalize }
      d: { action: generalize, to: year, prefix: 3 }
`);
    expect(error.details.items).toEqual([
      'policies/shop.yaml:5:73: tables.t.columns.a.keep_first: expected a number at least 0',
      'policies/shop.yaml:5:32: tables.t.columns.a.char: expected exactly 1 character',
      'policies/shop.yaml:6:42: tables.t.columns.b.max_days: expected a number',
      'policies/shop.yaml:7:10: tables.t.columns.c: generalize needs exactly one of: to, bucket, prefix',
      'policies/shop.yaml:8:10: tables.t.columns.d: generalize needs exactly one of: to, bucket, prefix',
    ]);
    expect(error.message.startsWith('invalid policy file, 5 problems:\n')).toBe(true);
  });

  it('parses the json action: leaf actions per path, other defaulting to redact_text', () => {
    const policy = parsePolicy(
      [
        'version: 1',
        'tables:',
        '  public.customer:',
        '    columns:',
        '      profile:',
        '        action: json',
        '        paths:',
        '          $.contact.email: { action: substitute, entity: email }',
        '          \'$.items[*]["full name"]\': hash',
        '          $.theme: keep',
      ].join('\n'),
      'p.yaml',
    );
    expect(policy.tables['public.customer']?.columns.profile?.action).toEqual({
      kind: 'json',
      paths: {
        '$.contact.email': { kind: 'substitute', entity: 'email' },
        '$.items[*]["full name"]': { kind: 'hash' },
        '$.theme': { kind: 'keep' },
      },
      other: 'redact_text',
    });
  });

  it('rejects a malformed JSON path and a nested json or drop leaf action', () => {
    const badPath = policyError(customerEmail('{ action: json, paths: { "contact.email": hash } }'));
    expect(badPath.message).toContain('a JSON path is $ followed by');
    policyError(customerEmail('{ action: json, paths: { $.a: { action: json } } }'));
    policyError(customerEmail('{ action: json, paths: { $.a: drop } }'));
  });

  it('reports rule problems by index', () => {
    const error = policyError(`version: 1\nrules:\n  - { match: { colum: x }, action: keep }\n`);
    expect(error.details.items).toEqual([
      'policies/shop.yaml:3:5: rules[0].id: required',
      'policies/shop.yaml:3:16: rules[0].match: unknown key "colum"',
    ]);
  });

  it('rejects two entries for the same table, qualified and not', () => {
    const error = policyError('version: 1\ntables:\n  customer: {}\n  public.customer: {}\n');
    expect(error.message).toBe(
      'invalid policy file: policies/shop.yaml:4:20: tables."public.customer": names the same table as "customer"; give each table one entry',
    );
  });
});

describe('policyDigest', () => {
  it('ignores formatting, comments, key order and spelled-out defaults', () => {
    const a = parsePolicy('version: 1\ntables: { t: { columns: { a: mask, b: keep } } }\n', 'a.yaml');
    const b = parsePolicy(
      '# same policy\nversion: 1\nstrict: true\nrules: []\ntables:\n  t:\n    skip: false\n    columns:\n      b: { action: keep }\n      a: { action: mask, keep_first: 0, keep_last: 0, char: "*" }\n',
      'b.yaml',
    );
    expect(policyDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(policyDigest(b)).toBe(policyDigest(a));
  });

  it('changes when what the policy decides changes', () => {
    const a = parsePolicy('version: 1\ntables: { t: { columns: { a: mask } } }\n', 'a.yaml');
    const b = parsePolicy(
      'version: 1\ntables: { t: { columns: { a: { action: mask, keep_last: 2 } } } }\n',
      'b.yaml',
    );
    expect(policyDigest(b)).not.toBe(policyDigest(a));
  });
});

describe('loadPolicy', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lookalike-policy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and parses a policy file, naming it in errors', async () => {
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'version: 1\n');
    await expect(loadPolicy(good)).resolves.toMatchObject({
      version: 1,
      strict: true,
      rules: [],
      tables: {},
    });
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'version: 1\nextra: true\n');
    await expect(loadPolicy(bad)).rejects.toMatchObject({
      code: 'policy_invalid',
      message: `invalid policy file: ${bad}:2:1: (document): unknown key "extra"`,
    });
  });

  it('throws policy_unreadable for a file that cannot be read', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(loadPolicy(missing)).rejects.toMatchObject({
      code: 'policy_unreadable',
      message: `cannot read policy file ${missing} (ENOENT)`,
      details: { file: missing },
    });
  });
});

describe('redact_text mode', () => {
  it('parses mode: placeholder for columns and JSON leaves, leaving the default fake mode implicit', () => {
    const policy = parsePolicy(
      customerEmail('{ action: redact_text, mode: placeholder }') +
        `      notes: { action: redact_text, mode: fake }
      profile:
        action: json
        paths: { $.bio: { action: redact_text, mode: placeholder, placeholder: "[{type} {n}]" } }
`,
      'shop.yaml',
    );
    const columns = policy.tables['public.customer']?.columns;
    expect(columns?.email?.action).toEqual({ kind: 'redact_text', mode: 'placeholder' });
    expect(columns?.notes?.action).toEqual({ kind: 'redact_text' });
    expect(columns?.profile?.action).toEqual({
      kind: 'json',
      paths: { '$.bio': { kind: 'redact_text', mode: 'placeholder', placeholder: '[{type} {n}]' } },
      other: 'redact_text',
    });
  });

  it('names the path and the modes when the mode is unknown, never the value', () => {
    expect(policyError(customerEmail(`{ action: redact_text, mode: ${SECRET} }`)).message).toBe(
      'invalid policy file: policies/shop.yaml:5:43: tables."public.customer".columns.email.mode: expected one of: fake, placeholder',
    );
  });
});

import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteSource } from '../../connectors/postgres/pglite-source.js';
import { SELECT_ALL, type DatabaseSchema } from '../core/index.js';
import { loadPolicy, planTransforms } from '../policy/index.js';
import { outputConstraints } from '../transform/index.js';
import { demoSchemaSql } from './demo-schema-sql.js';

const POLICY = fileURLToPath(new URL('../../examples/demo.policy.yaml', import.meta.url));

describe('examples/demo.policy.yaml', () => {
  let db: PGlite;
  let schema: DatabaseSchema;

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(demoSchemaSql());
    const session = await createPgliteSource(db).openSource(new AbortController().signal);
    try {
      schema = await session.introspect(SELECT_ALL);
    } finally {
      await session.close();
    }
  }, 120_000);

  afterAll(async () => {
    await db.close();
  });

  it('decides every column of the demo database, with a reason, and no findings at all', async () => {
    const policy = await loadPolicy(POLICY);
    const plan = planTransforms(schema, policy, { selection: SELECT_ALL, outputConstraints });
    expect(plan.strict).toBe(true);
    expect(plan.uncovered).toEqual([]);
    expect(plan.findings).toEqual([]);
    const columns = plan.tables.flatMap((t) => t.columns.map((c) => ({ table: t.table.name, ...c })));
    expect(columns).toHaveLength(schema.tables.reduce((n, t) => n + t.columns.length, 0));
    expect(columns.every((c) => c.reason.length > 0)).toBe(true);
  });

  it('replaces every personal column and keeps no free text or JSON as is', async () => {
    const policy = await loadPolicy(POLICY);
    const plan = planTransforms(schema, policy, { selection: SELECT_ALL, outputConstraints });
    const action = (table: string, column: string) =>
      plan.tables.find((t) => t.table.name === table)?.columns.find((c) => c.name === column)?.action.kind;
    for (const column of ['first_name', 'last_name', 'email', 'phone', 'date_of_birth']) {
      expect(action('customers', column)).toBe('substitute');
    }
    for (const column of ['street', 'line2', 'city', 'postal_code']) {
      expect(action('addresses', column)).toBe('substitute');
    }
    const profile = plan.tables
      .find((t) => t.table.name === 'customers')
      ?.columns.find((c) => c.name === 'profile')?.action;
    expect(profile?.kind).toBe('json');
    if (profile?.kind === 'json') {
      expect(profile.other).toBe('redact_text');
      for (const path of ['$.contact.name', '$.contact.email', '$.contact.phone', '$.signup.ip'])
        expect(profile.paths[path]?.kind, path).toBe('substitute');
    }
    expect(action('support_tickets', 'body')).toBe('redact_text');
    expect(action('support_tickets', 'subject')).toBe('redact_text');
  });
});

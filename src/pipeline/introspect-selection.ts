import {
  GatewayError,
  qualifiedName,
  sameTable,
  type DatabaseSchema,
  type Selection,
  type SourceSession,
} from '../core/index.js';

/**
 * The source's catalog for a selection, refused when the selection names a table or a schema the source
 * does not have: a misspelt `--tables public.custmers` would otherwise plan nothing, copy nothing and
 * verify clean. A schema that exists without tables is accepted (its views, types and functions come with
 * pg_dump), unless no named schema holds a table. Tables win over schemas, as in the catalog read.
 */
export async function introspectSelection(
  source: SourceSession,
  selection: Selection,
): Promise<DatabaseSchema> {
  const schema = await source.introspect(selection);
  const missing = unmatchedSelection(selection, schema);
  if (missing.length > 0) {
    throw new GatewayError('usage', `the source has no ${missing.join(', ')}`, { items: missing });
  }
  return schema;
}

/** What a selection names that a catalog read with it did not find, worded for a message. */
export function unmatchedSelection(selection: Selection, schema: DatabaseSchema): string[] {
  if (selection.tables.length > 0) {
    return selection.tables
      .filter((wanted) => !schema.tables.some((t) => sameTable(t.ref, wanted)))
      .map((wanted) => `table ${qualifiedName(wanted)}`);
  }
  if (selection.schemas.length === 0) return [];
  const missing = schema.missingSchemas ?? [];
  if (missing.length > 0) return missing.map((name) => `schema ${name}`);
  return schema.tables.length > 0 ? [] : [`table in schema ${selection.schemas.join(', ')}`];
}

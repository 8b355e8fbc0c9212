import { z } from 'zod';
import { parseTableName } from '../core/index.js';
import type { TableRef } from '../core/index.js';

/**
 * The policy's `references:` section: columns that hold values of a key without a declared FOREIGN KEY
 * (`audit_log.customer_email` → `customer.email`). The plan treats each like a foreign key: the referencing
 * columns take the referenced key's action, so equal values still get equal fakes and joins survive.
 */

/** Columns of one table, as written `schema.table(column, column)`. */
export interface TableColumns {
  readonly table: TableRef;
  readonly columns: readonly string[];
}

const WRITTEN = /^\s*([^()]*?)\s*\(([^()]*)\)\s*$/;
const WRITTEN_HINT =
  'expected schema.table(column), or schema.table(a, b) for a composite key, e.g. public.customer(email)';

/** `public.customer(email)` → table and columns; null when it is not written that way. */
export function parseTableColumns(text: string): TableColumns | null {
  const match = WRITTEN.exec(text);
  const table = match?.[1] ?? '';
  if (match === null || table === '' || table.startsWith('.') || table.endsWith('.')) return null;
  const columns = (match[2] ?? '').split(',').map((c) => unquote(c.trim()));
  if (columns.some((c) => c === '')) return null;
  return { table: parseTableName(table), columns };
}

function unquote(name: string): string {
  return name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
}

const tableColumns = z.string().transform((text, ctx): TableColumns => {
  const parsed = parseTableColumns(text);
  if (parsed === null) {
    // A fixed message: the text itself is never echoed.
    ctx.addIssue({ code: 'custom', message: WRITTEN_HINT });
    return z.NEVER;
  }
  return parsed;
});

export const PolicyReferenceSchema = z
  .strictObject({
    from: tableColumns.describe(
      'The referencing columns, `schema.table(column)` (composite: `schema.table(a, b)`); an unqualified table means `public`.',
    ),
    to: tableColumns.describe(
      'The key they hold values of, `schema.table(column)`, with as many columns as from, paired in order.',
    ),
    reason: z.string().min(1).optional().describe('Why the columns are related; shown in the plan.'),
  })
  .superRefine((reference, ctx) => {
    const from = reference.from.columns.length;
    const to = reference.to.columns.length;
    if (from !== to)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `names ${to} column${to === 1 ? '' : 's'} but from names ${from}; the columns are paired in order`,
      });
  })
  .describe(
    'A reference the database does not declare: from holds values of to. The plan treats it like a foreign key: from takes the action of to, so joins still match.',
  );

export type PolicyReference = z.output<typeof PolicyReferenceSchema>;

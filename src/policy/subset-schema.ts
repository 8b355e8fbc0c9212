import { z } from 'zod';

/** The policy's `subset:` section: which rows to start from, how far to follow, what never to copy, budgets. */

const tableName = z.string().min(1).describe('`schema.table` (an unqualified name means `public`).');
const columnList = z.array(z.string().min(1)).min(1);

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

const BYTES_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)\s*$/i;

/** `2GB`, `500 MiB`, `1.5 GB`: decimal (kB, MB, GB, TB) and binary (KiB, MiB, GiB, TiB) units. */
export function parseByteSize(text: string): number | null {
  const match = BYTES_PATTERN.exec(text);
  const unit = BYTE_UNITS[match?.[2]?.toLowerCase() ?? ''];
  if (match === null || unit === undefined) return null;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes >= 1 ? bytes : null;
}

const byteSize = z
  .union([
    z.int().min(1),
    z
      .string()
      .regex(BYTES_PATTERN, 'expected a size such as 500MB, 2GB or 1.5GiB')
      .transform((text, ctx) => {
        const bytes = parseByteSize(text);
        if (bytes === null) {
          ctx.addIssue({ code: 'custom', message: 'expected a size of at least one byte' });
          return z.NEVER;
        }
        return bytes;
      }),
  ])
  .describe('Bytes: a whole number, or a size with a unit (kB, MB, GB, TB or KiB, MiB, GiB, TiB).');

export const SubsetTargetSchema = z
  .strictObject({
    table: tableName,
    where: z
      .string()
      .min(1)
      .optional()
      .describe('SQL predicate over the table’s columns: only matching rows are candidates.'),
    percent: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .describe('Keep this share of the candidate rows, chosen by the seeded order (deterministic).'),
    rows: z
      .int()
      .min(1)
      .optional()
      .describe('Keep at most this many candidate rows: the first ones in the seeded order.'),
  })
  .describe('Rows the subset starts from. Without percent and rows, every candidate row.');

export const SubsetFollowSchema = z
  .strictObject({
    from: tableName.describe('The referenced (parent) table, e.g. public.customer.'),
    to: tableName.describe('The referencing (child) table, e.g. public.rental.'),
    columns: columnList
      .optional()
      .describe('The child’s foreign key columns, when several foreign keys link the two tables.'),
    limit: z.int().min(1).optional().describe('At most this many child rows per parent row.'),
    enabled: z
      .boolean()
      .default(true)
      .describe('false: never pull child rows through this relation (referenced rows are still pulled).'),
  })
  .describe('Downward traversal of one relation: from kept parent rows to the rows that reference them.');

export const VirtualForeignKeySchema = z
  .strictObject({
    table: tableName.describe('The referencing table.'),
    columns: columnList.describe('Its referencing columns, in order.'),
    references: z
      .strictObject({
        table: tableName.describe('The referenced table.'),
        columns: columnList.describe('The referenced columns, in the same order.'),
      })
      .describe('What the columns point at.'),
  })
  .describe('A reference the database does not declare (e.g. a polymorphic or cross-schema id).');

const HASH_PATTERN = /^[0-9a-f]{64}$/;

export const SuppressionSchema = z
  .strictObject({
    table: tableName,
    column: z
      .string()
      .min(1)
      .describe('Column whose value identifies the person, e.g. email or customer_id.'),
    values: z
      .array(z.string())
      .default([])
      .describe('Values in the column’s text form. Prefer hashes: a list of values is itself personal data.'),
    hashes: z
      .array(z.string().regex(HASH_PATTERN, 'expected 64 lower-case hex characters'))
      .default([])
      .describe(
        'Keyed hashes (HMAC-SHA256, hex) of values in their text form, made with `lookalike suppression-hash` and the job’s key.',
      ),
    hashes_file: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A file of such hashes, one per line (blank lines and # comments skipped), relative to the policy file: an erasure list kept apart from the policy. Read when the policy is loaded; its hashes count in the policy digest.',
      ),
  })
  .refine((s) => s.values.length + s.hashes.length > 0 || s.hashes_file !== undefined, {
    message: 'a suppression entry needs values, hashes or hashes_file',
  })
  .describe('Rows never copied (opt-outs, erasure requests), with every row that references them.');

export const SubsetSchema = z
  .strictObject({
    targets: z
      .array(SubsetTargetSchema)
      .min(1)
      .describe(
        'Where the subset starts; everything they reference is added, and by default their children.',
      ),
    seed: z
      .string()
      .min(1)
      .default('lookalike')
      .describe('Seeds the row order behind percent, rows, limits and budgets: same seed, same rows.'),
    follow_children: z
      .boolean()
      .default(true)
      .describe(
        'true: from target rows (and rows pulled down) follow every relation down to the rows referencing them; false: only relations listed in follow.',
      ),
    follow: z
      .array(SubsetFollowSchema)
      .default([])
      .describe('Per relation: whether to pull child rows, and how many per parent row.'),
    virtual_foreign_keys: z
      .array(VirtualForeignKeySchema)
      .default([])
      .describe('Extra references the closure follows as if they were foreign keys.'),
    suppress: z.array(SuppressionSchema).default([]).describe('Rows never copied.'),
    max_rows: z.int().min(1).optional().describe('Budget: at most this many rows in all tables together.'),
    max_bytes: byteSize
      .optional()
      .describe('Budget: at most this many bytes of row data (stored row sizes) in all tables together.'),
    tolerance: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.1)
      .describe('With a budget: aim for at least (1 - tolerance) of it, never over it.'),
  })
  .describe(
    'Copy a referentially complete subset instead of every row: every kept row keeps every row it references.',
  );

export type SubsetPolicy = z.output<typeof SubsetSchema>;

import { z } from 'zod';

/**
 * The k-anonymity keys of a table entry: the columns that together could single someone out (birth date,
 * postal code, sex, …), the smallest equivalence class the snapshot must reach, and what a miss does.
 */
export const K_ANONYMITY_OPTIONS = {
  quasi_identifiers: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'Columns that together could identify someone (quasi-identifiers). After the load the target’s rows are grouped by them (equivalence classes) and the class sizes reported in the verification and the manifest, with the source’s for comparison.',
    ),
  k: z
    .int()
    .min(2)
    .optional()
    .describe(
      'Smallest class size the target must reach over quasi_identifiers (k-anonymity). Without it the figures are only reported.',
    ),
  k_anonymity: z
    .enum(['enforce', 'report'])
    .optional()
    .describe(
      'enforce (default): a snapshot whose smallest class is below k is not delivered. report: it is delivered, with a warning.',
    ),
} as const;

interface KAnonymityKeys {
  readonly quasi_identifiers?: readonly string[] | undefined;
  readonly k?: number | undefined;
  readonly k_anonymity?: 'enforce' | 'report' | undefined;
}

/** `k` and `k_anonymity` need `quasi_identifiers`, `k_anonymity` needs `k`, and a column is named once. */
export function refineKAnonymity(entry: KAnonymityKeys, ctx: z.core.$RefinementCtx): void {
  const columns = entry.quasi_identifiers;
  if (columns === undefined) {
    for (const key of ['k', 'k_anonymity'] as const) {
      if (entry[key] !== undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} needs quasi_identifiers` });
    }
    return;
  }
  if (entry.k_anonymity !== undefined && entry.k === undefined)
    ctx.addIssue({ code: 'custom', path: ['k_anonymity'], message: 'k_anonymity needs k' });
  columns.forEach((column, index) => {
    if (columns.indexOf(column) !== index)
      ctx.addIssue({
        code: 'custom',
        path: ['quasi_identifiers', index],
        message: `names column "${column}" twice`,
      });
  });
}

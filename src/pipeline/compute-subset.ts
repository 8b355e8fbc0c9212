import { GatewayError, type DatabaseSchema, type Secret, type SourceSession } from '../core/index.js';
import type { Plan } from '../policy/index.js';
import {
  buildSubsetRequest,
  fitSubsetToBudget,
  subsetEstimate,
  subsetSettings,
  suppressionKey,
  type SubsetEstimate,
  type SubsetOverrides,
} from '../subset/index.js';

/**
 * Computes the plan's subset in the source (when the plan or the overrides ask for one), fitted to the
 * budget. Afterwards the session's reads return only the kept rows. Returns null for a full copy.
 */
export async function computeSubset(
  source: SourceSession,
  schema: DatabaseSchema,
  plan: Plan,
  overrides: SubsetOverrides | undefined,
  secret: Secret | null,
  signal: AbortSignal,
): Promise<SubsetEstimate | null> {
  const settings = subsetSettings(plan.subset, overrides);
  if (settings === null) return null;
  if (source.computeSubset === undefined) {
    throw new GatewayError(
      'usage',
      'this source cannot compute a subset (the PostgreSQL connectors, server and embedded, can)',
    );
  }
  const compute = source.computeSubset.bind(source);
  const request = buildSubsetRequest(schema, plan, settings, secret === null ? null : suppressionKey(secret));
  const fitted = await fitSubsetToBudget((scale) => compute({ ...request, scale }, signal), {
    maxRows: settings.max_rows ?? null,
    maxBytes: settings.max_bytes ?? null,
    tolerance: settings.tolerance,
  });
  return subsetEstimate(settings, fitted);
}

import { GatewayError } from '../core/index.js';
import type { SubsetPolicy } from '../policy/index.js';

/** Subset settings given on the command line or in an API request; they win over the policy's. */
export interface SubsetOverrides {
  readonly maxRows?: number | undefined;
  readonly maxBytes?: number | undefined;
  readonly seed?: string | undefined;
}

/** The policy's subset section with the overrides applied, or null when neither asks for a subset. */
export function subsetSettings(
  policy: SubsetPolicy | undefined,
  overrides: SubsetOverrides = {},
): SubsetPolicy | null {
  const given = (['maxRows', 'maxBytes', 'seed'] as const).filter((k) => overrides[k] !== undefined);
  if (policy === undefined) {
    if (given.length === 0) return null;
    throw new GatewayError(
      'usage',
      '--max-rows, --max-bytes and --seed need a policy with a `subset:` section naming its targets',
    );
  }
  return {
    ...policy,
    ...(overrides.maxRows === undefined ? {} : { max_rows: overrides.maxRows }),
    ...(overrides.maxBytes === undefined ? {} : { max_bytes: overrides.maxBytes }),
    ...(overrides.seed === undefined ? {} : { seed: overrides.seed }),
  };
}

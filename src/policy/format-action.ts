import type { ActionSpec } from '../core/index.js';

/** `substitute(entity=email)`, `mask(keep_first=0, keep_last=4, char=*)`, `keep`: options in spec order. */
export function formatAction(action: ActionSpec): string {
  const options = Object.entries(action)
    .filter(([key, value]) => key !== 'kind' && value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`);
  return options.length === 0 ? action.kind : `${action.kind}(${options.join(', ')})`;
}

import type { ActionSpec } from '../core/index.js';

/**
 * `substitute(entity=email)`, `mask(keep_first=0, keep_last=4, char=*)`, `keep`: options in spec order.
 * A json action lists its paths: `json($.contact.email=substitute(entity=email), other=redact_text)`.
 */
export function formatAction(action: ActionSpec): string {
  const options = Object.entries(action)
    .filter(([key, value]) => key !== 'kind' && value !== undefined)
    .flatMap(([key, value]) =>
      action.kind === 'json' && key === 'paths'
        ? Object.entries(action.paths).map(([path, leaf]) => `${path}=${formatAction(leaf)}`)
        : [`${key}=${String(value)}`],
    );
  return options.length === 0 ? action.kind : `${action.kind}(${options.join(', ')})`;
}

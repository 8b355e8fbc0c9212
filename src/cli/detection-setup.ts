import { packageRoot, type Settings } from '../config/index.js';
import { createAdvisor } from '../compose.js';
import { createDetection, type ColumnAdvisor, type Detection } from '../detection/index.js';

let loaded: Promise<Detection> | undefined;

/** Detection for this process, loaded once on first use (catalogue, column rules, lexicons, NLP). */
export function loadDetection(): Promise<Detection> {
  loaded ??= createDetection({ packageRoot: packageRoot() });
  return loaded;
}

/** `{ advisor }` when the language-model assist is configured, else `{}` (spread into requests). */
export function advisorOption(settings: Settings): { advisor?: ColumnAdvisor } {
  const advisor = createAdvisor(settings);
  return advisor === undefined ? {} : { advisor };
}

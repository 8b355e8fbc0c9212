import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../../core/index.js';
import type { EntityCatalogue } from './entity-catalogue.js';
import { parseEntityCatalogue } from './parse-entity-catalogue.js';

/** Where the shipped catalogue lives, relative to the package root. */
export const ENTITY_CATALOGUE_FILE = 'rules/entities.yaml';

/** Reads and compiles a catalogue file. `config_invalid` when it cannot be read or is wrong. */
export function loadEntityCatalogue(path: string): EntityCatalogue {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
    throw new GatewayError('config_invalid', `cannot read entity catalogue ${path} (${code})`, {
      file: path,
    });
  }
  return parseEntityCatalogue(text, path);
}

const cache = new Map<string, EntityCatalogue>();

/**
 * The shipped catalogue (`rules/entities.yaml` under `packageRoot`), compiled once per root. Detection is
 * a pure layer and may not import config, so the caller passes `packageRoot()` from src/config.
 */
export function defaultCatalogue(packageRoot: string): EntityCatalogue {
  let catalogue = cache.get(packageRoot);
  if (catalogue === undefined) {
    catalogue = loadEntityCatalogue(join(packageRoot, ENTITY_CATALOGUE_FILE));
    cache.set(packageRoot, catalogue);
  }
  return catalogue;
}

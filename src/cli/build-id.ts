import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../config/index.js';
import { toolVersion } from './commands/manifest-command.js';

let computed: Promise<string> | undefined;

/**
 * The running code's identity: the package version and a digest of its modules (`src`, `connectors`) and
 * detection rules. Units of one split run must draw the same fakes, so they compare this, not the version
 * number alone: two builds that differ in a line never pass as one. Computed once per process.
 */
export function buildId(): Promise<string> {
  return (computed ??= digest());
}

async function digest(): Promise<string> {
  const roots = [
    fileURLToPath(new URL('../', import.meta.url)),
    fileURLToPath(new URL('../../connectors/', import.meta.url)),
    join(packageRoot(), 'rules'),
  ];
  const hash = createHash('sha256');
  for (const root of roots) {
    const files = (await readdir(root, { recursive: true }).catch(() => [] as string[]))
      .filter((f) => /\.(js|ts|ya?ml)$/.test(f) && !/\.test\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
    for (const file of files)
      hash
        .update(file)
        .update('\0')
        .update(await readFile(join(root, file)))
        .update('\0');
  }
  return `${await toolVersion()}+${hash.digest('hex').slice(0, 12)}`;
}

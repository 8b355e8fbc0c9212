import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Which code a run measured: two reports with the same fingerprint measured the same sources. */
export interface CodeFingerprint {
  /** SHA-256 over the paths and contents of src/ and connectors/ (tests excluded), 12 hex digits. */
  readonly sources: string;
  /** `git rev-parse --short HEAD`, or null outside a repository. */
  readonly commit: string | null;
  /** Whether src/ or connectors/ differ from that commit. */
  readonly uncommitted: boolean;
}

const CODE_DIRS = ['src', 'connectors'] as const;

export async function fingerprintCode(repoRoot: string): Promise<CodeFingerprint> {
  const hash = createHash('sha256');
  for (const dir of CODE_DIRS) {
    const entries = await readdir(`${repoRoot}${dir}`, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      .map((e) => `${e.parentPath}/${e.name}`.slice(repoRoot.length))
      .sort();
    for (const file of files) {
      hash.update(`${file}\0`);
      hash.update(await readFile(`${repoRoot}${file}`));
    }
  }
  const git = (args: string[]): Promise<string | null> =>
    run('git', args, { cwd: repoRoot }).then(
      ({ stdout }) => stdout.trim(),
      () => null,
    );
  const commit = await git(['rev-parse', '--short', 'HEAD']);
  const status = await git(['status', '--porcelain', '--', ...CODE_DIRS]);
  return { sources: hash.digest('hex').slice(0, 12), commit, uncommitted: status !== null && status !== '' };
}

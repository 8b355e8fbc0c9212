import { describe, expect, it } from 'vitest';
import { Secret } from '../src/core/index.js';
import { suppressionHash, suppressionKey } from '../src/subset/index.js';
import { testSecret } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

describe('lookalike suppression-hash', () => {
  it('prints one keyed hash per input line, the hashes subset.suppress matches', async () => {
    const secret = testSecret('suppress');
    const result = await runLookalike(
      ['suppression-hash'],
      { LOOKALIKE_SECRET: secret },
      new AbortController().signal,
      'ada@example.com\n\nbob@example.org\n',
    );
    expect(result.exitCode).toBe(0);
    const key = suppressionKey(new Secret(Buffer.from(secret, 'utf8')));
    expect(result.stdout.trim().split('\n')).toEqual([
      suppressionHash(key, 'ada@example.com'),
      suppressionHash(key, 'bob@example.org'),
    ]);
    expect(result.stdout).not.toContain('@');
  });

  it('refuses to run without a key', async () => {
    const result = await runLookalike(['suppression-hash'], {}, new AbortController().signal, 'x\n');
    expect(result.exitCode).toBe(2);
  });
});

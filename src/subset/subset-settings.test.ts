import { describe, expect, it } from 'vitest';
import { Secret } from '../core/index.js';
import { parsePolicy, parseByteSize } from '../policy/index.js';
import { subsetSettings } from './subset-settings.js';
import { suppressionHash, suppressionKey } from './suppression-hash.js';

const policy = (subset: string) => parsePolicy(`version: 1\nsubset:\n${subset}`, 'p.yaml');

describe('subset settings', () => {
  it('parses the subset section with its defaults', () => {
    const parsed = policy('  targets: [{ table: customer, percent: 10 }]\n  max_bytes: 2GB\n');
    expect(parsed.subset).toMatchObject({
      seed: 'lookalike',
      follow_children: true,
      tolerance: 0.1,
      max_bytes: 2e9,
      targets: [{ table: 'customer', percent: 10 }],
    });
  });

  it('rejects unknown keys, empty targets, bad percentages, bad hashes and empty suppression entries', () => {
    expect(() => policy('  targets: [{ table: t, percentage: 10 }]\n')).toThrow(/subset/);
    expect(() => policy('  targets: []\n')).toThrow(/subset\.targets/);
    expect(() => policy('  targets: [{ table: t, percent: 150 }]\n')).toThrow(/percent/);
    expect(() =>
      policy('  targets: [{ table: t }]\n  suppress: [{ table: t, column: c, hashes: [abc] }]\n'),
    ).toThrow(/hashes/);
    expect(() => policy('  targets: [{ table: t }]\n  suppress: [{ table: t, column: c }]\n')).toThrow(
      /values, hashes or hashes_file/,
    );
    expect(() => policy('  targets: [{ table: t }]\n  max_bytes: lots\n')).toThrow(/max_bytes/);
  });

  it('reads byte sizes with decimal and binary units', () => {
    expect(parseByteSize('500MB')).toBe(500e6);
    expect(parseByteSize('1.5 GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('12 b')).toBe(12);
    expect(parseByteSize('12 parsecs')).toBeNull();
    expect(parseByteSize('0 kB')).toBeNull();
  });

  it('lets flags override the policy, and refuses flags without a subset section', () => {
    const parsed = policy('  targets: [{ table: customer }]\n  max_rows: 10\n');
    expect(subsetSettings(parsed.subset, { maxRows: 99, seed: 's' })).toMatchObject({
      max_rows: 99,
      seed: 's',
    });
    expect(subsetSettings(parsed.subset, {})).toMatchObject({ max_rows: 10, seed: 'lookalike' });
    expect(subsetSettings(undefined, {})).toBeNull();
    expect(() => subsetSettings(undefined, { maxBytes: 5 })).toThrow(/subset/);
  });
});

describe('suppression hashes', () => {
  it('are HMAC-SHA256 (RFC 4231 case 2) under a key derived from the job key', () => {
    expect(suppressionHash(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const one = suppressionKey(new Secret(Buffer.alloc(32, 1)));
    const two = suppressionKey(new Secret(Buffer.alloc(32, 2)));
    expect(one).toHaveLength(32);
    expect(suppressionHash(one, 'a@example.com')).not.toBe(suppressionHash(two, 'a@example.com'));
    expect(suppressionHash(one, 'a@example.com')).toBe(suppressionHash(one, 'a@example.com'));
  });
});

import { describe, expect, it } from 'vitest';

import { ENTITY_KINDS } from '../core/index.js';
import { entityOutput, uniqueCapacityBits } from './entity-output.js';
import { UNIQUE_BITS_TARGET } from './kind-generator.js';

describe('entityOutput', () => {
  it('describes every entity kind with a sane length range', () => {
    for (const kind of ENTITY_KINDS) {
      const output = entityOutput(kind);
      expect(output.categories.length, kind).toBeGreaterThan(0);
      expect(output.minLength, kind).toBeGreaterThan(0);
      expect(output.typicalMaxLength, kind).toBeGreaterThanOrEqual(output.minLength);
    }
  });

  it('names the column categories each kind fits', () => {
    expect(entityOutput('email').categories).toEqual(['string']);
    expect(entityOutput('number').categories).toEqual(['integer', 'decimal', 'string']);
    expect(entityOutput('date_of_birth').categories).toEqual(['date', 'timestamp', 'string']);
    expect(entityOutput('uuid').categories).toContain('uuid');
    expect(entityOutput('ip_address').categories).toContain('network');
  });

  it('says which kinds can carry 64 unique bits', () => {
    const uniqueKinds = ENTITY_KINDS.filter((kind) => entityOutput(kind).canBeUnique);
    expect(uniqueKinds.sort()).toEqual([
      'email',
      'free_text',
      'full_name',
      'number',
      'password',
      'string',
      'url',
      'username',
      'uuid',
    ]);
  });

  it('throws internal for a kind it does not know', () => {
    expect(() => entityOutput('shoe_size' as never)).toThrow(
      expect.objectContaining({ code: 'internal' }) as Error,
    );
  });
});

describe('uniqueCapacityBits', () => {
  it('reaches 64 bits for unique-capable kinds in an unbounded column', () => {
    for (const kind of ENTITY_KINDS) {
      const bits = uniqueCapacityBits(kind, null);
      if (entityOutput(kind).canBeUnique) expect(bits, kind).toBeGreaterThanOrEqual(UNIQUE_BITS_TARGET);
      else expect(bits, kind).toBeLessThan(UNIQUE_BITS_TARGET);
    }
  });

  it('shrinks with the column: an email needs 23 characters for 65 bits', () => {
    expect(uniqueCapacityBits('email', 23)).toBe(65);
    expect(uniqueCapacityBits('email', 20)).toBe(50);
    expect(uniqueCapacityBits('email', 10)).toBe(0);
    expect(uniqueCapacityBits('username', 13)).toBe(65);
    expect(uniqueCapacityBits('username', 8)).toBe(40);
    expect(uniqueCapacityBits('string', 10)).toBe(47);
    expect(uniqueCapacityBits('number', 10)).toBe(33);
    expect(uniqueCapacityBits('uuid', 36)).toBe(122);
  });

  it('documents the phone bound: 49 bits with an extension, 32 without', () => {
    expect(uniqueCapacityBits('phone', null)).toBe(49);
    expect(uniqueCapacityBits('phone', 17)).toBe(49);
    expect(uniqueCapacityBits('phone', 14)).toBe(32);
    expect(uniqueCapacityBits('phone', 5)).toBe(0);
  });
});

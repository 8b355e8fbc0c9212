import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../catalogue/index.js';
import { matchValue } from './match-value.js';

const catalogue = defaultCatalogue(fileURLToPath(new URL('../../../', import.meta.url)));
const top = (v: string): string | undefined => matchValue(v, catalogue)[0]?.type;

describe('matchValue', () => {
  it('recognises whole values, validated', () => {
    expect(matchValue('4111 1111 1111 1111', catalogue)[0]).toMatchObject({
      type: 'CREDIT_CARD',
      validated: true,
    });
    expect(top('192.168.0.1')).toBe('IP_ADDRESS');
    expect(top(' user@example.com ')).toBe('EMAIL_ADDRESS');
    expect(top('+44 20 7946 0958')).toBe('PHONE_NUMBER');
    expect(top('https://example.org/x')).toBe('URL');
    expect(top('00:1A:2B:3C:4D:5E')).toBe('MAC_ADDRESS');
  });

  it('returns every plausible kind with scores: a date is DATE_TIME first, DATE_OF_BIRTH weaker', () => {
    const m = matchValue('1985-04-12', catalogue);
    expect(m[0]?.type).toBe('DATE_TIME');
    const dob = m.find((x) => x.type === 'DATE_OF_BIRTH');
    expect(dob?.score).toBeLessThan(m[0]?.score ?? 0);
  });

  it('a bare five-digit value is at most a weak postal code', () => {
    const m = matchValue('12345', catalogue);
    expect(m.find((x) => x.type === 'POSTAL_CODE')?.score).toBeLessThan(0.2);
  });

  it('rejects values that only contain an entity, and failed checksums', () => {
    expect(matchValue('mail user@example.com', catalogue).some((x) => x.type === 'EMAIL_ADDRESS')).toBe(
      false,
    );
    expect(matchValue('4111 1111 1111 1112', catalogue).some((x) => x.type === 'CREDIT_CARD')).toBe(false);
    expect(matchValue('hello world', catalogue)).toEqual([]);
    expect(matchValue('', catalogue)).toEqual([]);
  });

  it('keyword-anchored rules do not claim a bare value', () => {
    expect(matchValue('hunter22', catalogue).some((x) => x.type === 'PASSWORD')).toBe(false);
  });
});

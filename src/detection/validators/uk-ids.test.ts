import { describe, expect, it } from 'vitest';
import { isUkNhs, isUkNino } from './uk-ids.js';

function nhsComplete(body: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? undefined : body + String(check);
}

describe('UK identifiers', () => {
  it('validates NHS numbers with the mod-11 check digit, with or without spaces', () => {
    const n = nhsComplete('943476591') ?? '';
    expect(isUkNhs(n)).toBe(true);
    expect(isUkNhs(`${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`)).toBe(true);
    expect(isUkNhs(n.slice(0, -1) + String((Number(n.slice(-1)) + 1) % 10))).toBe(false);
    expect(isUkNhs('1111111111')).toBe(false);
  });

  it('applies the NINO prefix rules', () => {
    expect(isUkNino('AB 12 34 56 C')).toBe(true);
    expect(isUkNino('JG123456A')).toBe(true);
    for (const bad of ['GB123456A', 'DA123456A', 'AO123456A', 'ZZ123456A', 'AB123456E', 'AB111111A']) {
      expect(isUkNino(bad)).toBe(false);
    }
  });
});

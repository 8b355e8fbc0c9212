import { describe, expect, it } from 'vitest';
import { valueShape, valueShapes } from './column-advice.js';

describe('valueShape', () => {
  it('keeps character classes and punctuation, never the characters', () => {
    expect(valueShape('Maria López')).toBe('Aaaaa Aaaaa');
    expect(valueShape('078-05-1120')).toBe('999-99-9999');
    expect(valueShape('ada.l@example.com')).toBe('aaa.a@aaaaaaa.aaa');
  });

  it('cuts long values', () => {
    expect(valueShape('x'.repeat(100))).toBe(`${'a'.repeat(24)}…`);
  });

  it('lists the commonest shapes first', () => {
    expect(valueShapes(['Ann Lee', 'Bob Kay', '12-3'])).toEqual([
      { shape: 'Aaa Aaa', count: 2 },
      { shape: '99-9', count: 1 },
    ]);
  });
});

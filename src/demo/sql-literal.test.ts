import { describe, expect, it } from 'vitest';
import { sqlLiteral } from './sql-literal.js';

describe('sqlLiteral', () => {
  it('doubles apostrophes so names like O’Brien stay one literal', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral("it's ''quoted''")).toBe("'it''s ''''quoted'''''");
  });

  it('keeps backslashes, newlines and unicode as they are (standard_conforming_strings)', () => {
    expect(sqlLiteral('a\\b\nc Zoë')).toBe("'a\\b\nc Zoë'");
  });

  it('writes NULL for null', () => {
    expect(sqlLiteral(null)).toBe('NULL');
  });
});

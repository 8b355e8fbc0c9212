import { describe, expect, it } from 'vitest';

import { LiteralPresence } from './literal-presence.js';

describe('LiteralPresence', () => {
  it('marks exactly the literals that text.toLowerCase().includes finds', () => {
    const literals = ['@', '+', '://', 'www.', 'pass', 'password', 'pwd', 'sk-', 'eyj', 'contraseña', 'x'];
    const presence = new LiteralPresence(literals);
    const texts = [
      'Mail me at ann@example.org',
      'PASSWORD: hunter2 (see WWW.example.org)',
      'https://a.b/c?sk-',
      'token eyJhbGciOi',
      'Contraseña olvidada',
      'nothing here',
      'pas',
      '',
      'ends with pw',
      'X',
    ];
    const seen = new Uint8Array(literals.length);
    for (const text of texts) {
      presence.mark(text, seen);
      const expected = literals.map((l) => (text.toLowerCase().includes(l) ? 1 : 2));
      expect([...seen], text).toEqual(expected);
    }
  });
});

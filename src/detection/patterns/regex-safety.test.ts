import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../catalogue/index.js';

const catalogue = defaultCatalogue(fileURLToPath(new URL('../../../', import.meta.url)));

/** Inputs that make badly nested quantifiers explode: long runs that almost match. */
const ADVERSARIAL = [
  'a'.repeat(20000),
  '1'.repeat(20000),
  'a.'.repeat(10000),
  '1-'.repeat(10000),
  '1 '.repeat(10000),
  'Aa '.repeat(7000),
  'A '.repeat(10000),
  'ab:'.repeat(7000),
  `${'x'.repeat(5000)}@${'y.'.repeat(5000)}`,
  `http://${'a'.repeat(20000)}`,
  `$2b$${'.'.repeat(20000)}`,
  'eyJ'.repeat(7000),
];

describe('regex safety', () => {
  it('every rule scans adversarial input in linear-ish time', () => {
    for (const entity of catalogue.entities) {
      for (const p of entity.patterns) {
        for (const input of ADVERSARIAL) {
          const t0 = performance.now();
          p.scan.lastIndex = 0;
          while (p.scan.exec(input) !== null) {
            if (p.scan.lastIndex === 0) break;
          }
          const ms = performance.now() - t0;
          expect(ms, `${p.name} on a ${input.slice(0, 3)}… run`).toBeLessThan(400);
        }
      }
    }
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { defaultCatalogue } from './catalogue/index.js';
import { createTextDetector } from './detect-text.js';
import { KnownEntityIndex, loadTextDetectors } from './text/index.js';

const catalogue = defaultCatalogue(fileURLToPath(new URL('../../', import.meta.url)));

describe('createTextDetector', () => {
  it('detectAll gives each text the spans detect gives it, across batch boundaries and empty texts', async () => {
    const known = new KnownEntityIndex({ key: Buffer.alloc(32, 1) });
    known.add('Zephyrine Quillfeather', 'PERSON', 'name');
    const detector = createTextDetector(catalogue, await loadTextDetectors(), { knownEntities: known });
    const samples = [
      'Call Dr. Maria Garcia on +44 20 7946 0958 or write to maria.garcia@example.org.',
      '',
      'Ticket 4411: ZEPHYRINE QUILLFEATHER moved to 221B Baker Street, London NW1 6XE on 12 March 2024.',
      'Nothing personal here, just 42 apples.',
    ];
    const inputs = Array.from({ length: 150 }, (_, i) => samples[i % samples.length] ?? '');
    const all = detector.detectAll(inputs);
    expect(all).toHaveLength(inputs.length);
    expect(all).toEqual(inputs.map((t) => detector.detect(t)));
    expect(all[1]).toEqual([]);
    expect(all[0]?.map((s) => s.type)).toEqual(
      expect.arrayContaining(['PERSON', 'PHONE_NUMBER', 'EMAIL_ADDRESS']),
    );
    expect(all[2]?.some((s) => s.detector === 'known_entity')).toBe(true);
  }, 60_000);
});

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

describe('phone numbers the validator rejects', () => {
  const spansOf = async (text: string): Promise<string[]> => {
    const detector = createTextDetector(catalogue, await loadTextDetectors());
    return detector
      .detect(text)
      .filter((s) => s.type === 'PHONE_NUMBER')
      .map((s) => text.slice(s.start, s.end));
  };

  it('are phones right after a phone word or a name', async () => {
    expect(await spansOf('Callback number: 56 50 31 42.')).toEqual(['56 50 31 42']);
    expect(await spansOf('Tel. 1950528733')).toEqual(['1950528733']);
    expect(await spansOf('Call log 14:30 - Sander Dahl (94 23 07 61) confirmed the new date.')).toEqual([
      '94 23 07 61',
    ]);
  }, 60_000);

  it('are not phones without that context, nor when too short or next to a negative word', async () => {
    expect(await spansOf('Batch 56 50 31 42 was shipped.')).toEqual([]);
    expect(await spansOf('Sander Dahl (2019) won the race.')).toEqual([]);
    expect(await spansOf('Phone ticket 56 50 31 42 is closed.')).toEqual([]);
  }, 60_000);
});

describe('long documents', () => {
  it('are detected in pieces with the spans each of their paragraphs gets alone', async () => {
    const detector = createTextDetector(catalogue, await loadTextDetectors());
    const samples = [
      'Call Dr. Maria Garcia on +44 20 7946 0958 or write to maria.garcia@example.org.',
      'Ticket 4411: Zephyrine Quillfeather moved to 221B Baker Street, London NW1 6XE on 12 March 2024.',
      'Nothing personal here, just 42 apples and a meeting about the quarterly roadmap.',
      'Refund sent to IBAN DE89 3704 0044 0532 0130 00 for Jonas Becker, card 4111 1111 1111 1111.',
    ];
    const parts: string[] = [];
    const expected: string[] = [];
    let offset = 0;
    for (let i = 0; i < 1000; i++) {
      const part = samples[i % samples.length] ?? '';
      for (const s of detector.detect(part)) expected.push(`${s.type}:${s.start + offset}:${s.end + offset}`);
      parts.push(part);
      offset += part.length + 1;
    }
    const document = parts.join('\n');
    expect(document.length).toBeGreaterThan(70_000);
    const found = detector.detect(document).map((s) => `${s.type}:${s.start}:${s.end}`);
    expect(found).toEqual(expected);
    expect(detector.detectAll(['short', document])[1]?.map((s) => `${s.type}:${s.start}:${s.end}`)).toEqual(
      expected,
    );
  }, 60_000);
});

describe('TextDetector.certainOf', () => {
  const surroundings = [
    (v: string) => v,
    (v: string) => `Contact ${v}.`,
    (v: string) => `(${v}), then`,
    (v: string) => `mailto:${v}`,
    (v: string) => `REPLY TO <${v.toUpperCase()}> TODAY`,
    (v: string) => `sent by ${v.toLowerCase()}; cc ${v}`,
    (v: string) => `Ticket 12: Dr. Maria Garcia asked "${v}" be removed, call +44 20 7946 0958.`,
  ];

  it('accepts only e-mails the patterns find in any text without the index, and those they do find', async () => {
    const detector = createTextDetector(catalogue, await loadTextDetectors());
    const certain = detector.certainOf('EMAIL_ADDRESS');
    if (certain === undefined) throw new Error('e-mails should be certain in text');
    const accepted = ['mary.smith@example.com', 'Mary.Smith+tag@Example.CO.UK', 'j_o-e.99@mail.example.org'];
    const refused = [
      'mary@localhost', // no dot-separated host
      'mary@corp.zzz', // not a known TLD: only the index finds it
      'josé@example.com', // not ASCII
      'mary..smith@example.com', // the validator refuses it
      ' mary@example.com', // not one token
    ];
    for (const value of accepted) {
      expect(certain(value)).toBe(true);
      for (const around of surroundings) {
        const text = around(value);
        const spans = detector
          .detect(text)
          .map((s) => `${s.type}:${text.slice(s.start, s.end).toLowerCase()}`);
        expect(spans).toContain(`EMAIL_ADDRESS:${value.toLowerCase()}`);
      }
    }
    for (const value of refused) expect(certain(value)).toBe(false);
  });

  it('is undefined for kinds the patterns are not sure of on their own', async () => {
    const detector = createTextDetector(catalogue, await loadTextDetectors());
    // The other kinds the known-entity index holds are never certain from the patterns alone.
    for (const type of ['PERSON', 'STREET_ADDRESS', 'PHONE_NUMBER', 'USERNAME'])
      expect(detector.certainOf(type)).toBeUndefined();
    expect(detector.certainOf('NO_SUCH_KIND')).toBeUndefined();
  });
});

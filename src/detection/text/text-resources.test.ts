import { describe, expect, it, vi } from 'vitest';

import { createTextDetectors } from './text-detectors.js';
import { buildHere, buildInWorker, loadTextResources, shareTextResources } from './text-resources.js';

const TEXTS = [
  'Spoke with Anna van der Berg from Rotterdam about the invoice; she moved to 12 Baker Street, London.',
  'i moved to kevinberg, north dakota last month, new zip is 31924-7936',
  'Contact: Dr. Ester Anaya Rubio, Contrada Pompili 380, Borgo Marianna (Acme Logistics Ltd).',
  `${'the order was shipped on time. '.repeat(600)}Yesterday Barack Obama visited Paris.`,
];

describe('text resources shared with another thread', () => {
  it('are used in place of building them, over the same memory, with the same detections', async () => {
    const own = await loadTextResources();
    // What a worker receives: a structured clone (shared buffers stay the same memory).
    const shared = structuredClone(await shareTextResources());
    expect(shared.names.table.buffer).toBeInstanceOf(SharedArrayBuffer);

    vi.resetModules();
    const worker = await import('./text-resources.js');
    worker.useSharedTextResources(shared);
    const adopted = await worker.loadTextResources();
    expect(adopted).not.toBe(own);
    expect(adopted.names.share().table.buffer).toBe(shared.names.table.buffer);
    expect(adopted.places.share().table.buffer).toBe(shared.places.table.buffer);
    expect(adopted.addresses).toEqual(own.addresses);

    const mine = createTextDetectors(own);
    const theirs = createTextDetectors(adopted);
    for (const text of TEXTS)
      expect(theirs.findTextEntitySpans(text)).toEqual(mine.findTextEntitySpans(text));
    expect(mine.findTextEntitySpans(TEXTS[0] as string).length).toBeGreaterThan(0);
  }, 60_000);

  it('a thread that loaded its own keeps them', async () => {
    vi.resetModules();
    const fresh = await import('./text-resources.js');
    const own = await fresh.loadTextResources();
    fresh.useSharedTextResources(structuredClone(await fresh.shareTextResources()));
    expect(await fresh.loadTextResources()).toBe(own);
  }, 60_000);

  it('built in a worker thread, are the ones this thread would build', async () => {
    const [here, there] = await Promise.all([buildHere(), buildInWorker()]);
    expect(there.names.table.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.compare(Buffer.from(there.names.table.buffer), Buffer.from(here.names.table.buffer))).toBe(
      0,
    );
    expect(
      Buffer.compare(Buffer.from(there.places.table.buffer), Buffer.from(here.places.table.buffer)),
    ).toBe(0);
    expect({ ...there.names, table: null }).toEqual({ ...here.names, table: null });
    expect({ ...there.places, table: null }).toEqual({ ...here.places, table: null });
    expect(there.addresses).toEqual(here.addresses);
  }, 60_000);
});

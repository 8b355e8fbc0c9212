import { createRequire } from 'node:module';
import { isMainThread, Worker } from 'node:worker_threads';
import type nlpOfCompromise from 'compromise';
import { workerScript } from '../../core/index.js';
import { type AddressVocabulary, loadAddressVocabulary } from './address-vocabulary.js';
import {
  loadNameLexicon,
  nameLexiconFromShared,
  type NameLexicon,
  type SharedNameLexicon,
} from './name-lexicon.js';
import {
  loadPlaceGazetteer,
  placeGazetteerFromShared,
  type PlaceGazetteer,
  type SharedPlaceGazetteer,
} from './place-gazetteer.js';

/** One entity that the NLP library found, in offsets of the text it was given. */
export interface NerFinding {
  readonly type: 'PERSON' | 'LOCATION' | 'ORGANIZATION';
  readonly start: number;
  readonly end: number;
}

/** People, places and organisations in a short text (a candidate sentence, never a whole document). */
export type NerFunction = (text: string) => NerFinding[];

/** Everything the text detectors look words up in; loaded once, then used synchronously. */
export interface TextResources {
  readonly names: NameLexicon;
  readonly places: PlaceGazetteer;
  readonly addresses: AddressVocabulary;
  readonly ner: NerFunction;
}

interface CompromiseMatch {
  offset?: { start: number; length: number };
}

const EDGE_PUNCTUATION = /^[\s.,;:!?'"()]+|[\s.,;:!?'"()]+$/g;

/**
 * Text resources built in another thread, for a worker thread to use without building its own (which would
 * import all 70 faker locales, ~20 MB a thread): the lexicon and gazetteer tables stay in shared memory;
 * the address vocabulary (a few hundred words) is copied.
 */
export interface SharedTextResources {
  readonly names: SharedNameLexicon;
  readonly places: SharedPlaceGazetteer;
  readonly addresses: AddressVocabulary;
}

/**
 * compromise, loaded on the first call: only texts of 16 KB or more ever reach it (see text-context.ts), so
 * most processes and transform workers never need its ~25 MB and ~0.6 s of loading. Its CommonJS build
 * (the same release as its ES modules, bundled), because a first call is synchronous.
 */
function compromiseNer(): NerFunction {
  let nlp: typeof nlpOfCompromise | undefined;
  return (text) => {
    nlp ??= createRequire(import.meta.url)('compromise') as typeof nlpOfCompromise;
    const doc = nlp(text);
    const findings: NerFinding[] = [];
    const views = [
      ['PERSON', doc.people()],
      ['LOCATION', doc.places()],
      ['ORGANIZATION', doc.organizations()],
    ] as const;
    for (const [type, view] of views) {
      for (const match of view.json({ offset: true }) as CompromiseMatch[]) {
        if (match.offset === undefined) continue;
        let start = match.offset.start;
        let end = start + match.offset.length;
        const raw = text.slice(start, end);
        const trimmed = raw.replace(EDGE_PUNCTUATION, '');
        if (trimmed.length === 0) continue;
        start += raw.indexOf(trimmed);
        end = start + trimmed.length;
        findings.push({ type, start, end });
      }
    }
    return findings;
  };
}

let resources: Promise<TextResources> | undefined;

/**
 * Loads the name lexicon, the place gazetteer and the address vocabulary once per process (~0.4 s, see the
 * bench; compromise loads on first use): callers await this before the first text, then detect
 * synchronously. After `useSharedTextResources`, the shared ones. A process's main thread builds them in
 * a short-lived worker thread (`buildInWorker`) and keeps their shared form, which is all it uses.
 */
export function loadTextResources(): Promise<TextResources> {
  resources ??= (isMainThread ? buildInWorker() : buildHere()).then((shared) => textResourcesOf(shared));
  return resources;
}

function textResourcesOf(shared: SharedTextResources): TextResources {
  return {
    names: nameLexiconFromShared(shared.names),
    places: placeGazetteerFromShared(shared.places),
    addresses: shared.addresses,
    ner: compromiseNer(),
  };
}

/** Built in this thread: it keeps the faker locales they are read from (~17 MB of heap) for good. */
export async function buildHere(): Promise<SharedTextResources> {
  const [names, places, addresses] = await Promise.all([
    loadNameLexicon(),
    loadPlaceGazetteer(),
    loadAddressVocabulary(),
  ]);
  return { names: names.share(), places: places.share(), addresses };
}

/**
 * Built in a worker thread that ends once it has sent them: all 70 faker locales (the source of the lexicon
 * and gazetteer words, ~17 MB of heap once imported, and never unloaded by a thread that imported them)
 * live and die with it, and this thread keeps only the shared tables. Costs a thread start (~50 ms).
 */
export function buildInWorker(): Promise<SharedTextResources> {
  return new Promise((resolve, reject) => {
    const script = workerScript(import.meta.url, 'text-resources-worker');
    const worker = new Worker(script.filename, { eval: script.isCode, stdout: true, stderr: true });
    let received = false;
    worker.once('message', (shared: SharedTextResources) => {
      received = true;
      resolve(shared);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!received) reject(new Error(`the text resources worker exited (${code})`));
    });
  });
}

/** This process's text resources (loaded if need be), for worker threads: see `useSharedTextResources`. */
export async function shareTextResources(): Promise<SharedTextResources> {
  const { names, places, addresses } = await loadTextResources();
  return { names: names.share(), places: places.share(), addresses };
}

/**
 * Makes `loadTextResources` (and so detection) in this thread use resources another thread built and shared,
 * instead of building its own; the same lookups, without a copy. No effect once this thread has loaded its own.
 */
export function useSharedTextResources(shared: SharedTextResources): void {
  resources ??= Promise.resolve(textResourcesOf(shared));
}

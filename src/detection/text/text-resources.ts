import { type AddressVocabulary, loadAddressVocabulary } from './address-vocabulary.js';
import { loadNameLexicon, type NameLexicon } from './name-lexicon.js';
import { loadPlaceGazetteer, type PlaceGazetteer } from './place-gazetteer.js';

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

async function loadCompromise(): Promise<NerFunction> {
  const nlp = (await import('compromise')).default;
  return (text) => {
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
 * Loads the name lexicon, the place gazetteer and compromise once per process (~0.8 s together, see the
 * bench): callers await this before the first text, then detect synchronously.
 */
export function loadTextResources(): Promise<TextResources> {
  resources ??= Promise.all([
    loadNameLexicon(),
    loadPlaceGazetteer(),
    loadAddressVocabulary(),
    loadCompromise(),
  ]).then(([names, places, addresses, ner]) => ({ names, places, addresses, ner }));
  return resources;
}

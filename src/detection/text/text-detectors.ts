import type { TextSpan } from '../detection-types.js';
import { keepBestSpans } from '../keep-free-spans.js';
import { locationSpansOf } from './find-location-spans.js';
import { organizationSpansOf } from './find-organization-spans.js';
import { personSpansOf } from './find-person-spans.js';
import { textContext } from './text-context.js';
import { loadTextResources, type TextResources } from './text-resources.js';

/** The text passes bound to loaded resources: synchronous after one `await loadTextDetectors()`. */
export interface TextDetectors {
  /** The entity kinds these passes find (a combiner need not run other detectors' rules for them). */
  readonly kinds: ReadonlySet<string>;
  findPersonSpans(text: string): TextSpan[];
  findLocationSpans(text: string): TextSpan[];
  findOrganizationSpans(text: string): TextSpan[];
  /** All three, overlaps resolved: the higher score wins, then the longer span. */
  findTextEntitySpans(text: string): TextSpan[];
}

/** Location and organisation spans at least this sure take their words away from the person pass. */
const CLAIM_SCORE = 0.7;

/** Keeps the best of overlapping spans (a surname that is also a city, a person inside a company). */
export function resolveOverlaps(spans: readonly TextSpan[]): TextSpan[] {
  return resolveOwnOverlaps([...spans]);
}

/** `resolveOverlaps` of an array nobody else holds: a few spans are ranked in place, not copied first. */
function resolveOwnOverlaps(spans: TextSpan[]): TextSpan[] {
  const end = spans.reduce((n, s) => Math.max(n, s.end), 0);
  return keepBestSpans(spans, better, end, true);
}

function better(a: TextSpan, b: TextSpan): number {
  return b.score - a.score || b.end - b.start - (a.end - a.start);
}

const TEXT_KINDS: ReadonlySet<string> = new Set([
  'PERSON',
  'ORGANIZATION',
  'STREET_ADDRESS',
  'CITY',
  'STATE',
  'POSTAL_CODE',
  'COUNTRY',
]);

export function createTextDetectors(resources: TextResources): TextDetectors {
  return {
    kinds: TEXT_KINDS,
    findPersonSpans: (text) => personSpansOf(textContext(text, resources)),
    findLocationSpans: (text) => locationSpansOf(textContext(text, resources)),
    findOrganizationSpans: (text) => organizationSpansOf(textContext(text, resources)),
    findTextEntitySpans: (text) => {
      const ctx = textContext(text, resources);
      const places = locationSpansOf(ctx);
      const organizations = organizationSpansOf(ctx);
      // Streets, towns and companies found by their structure claim their words before names are read:
      // "455 Carolyn Fields", "Fort Hanna", "Bravo Páez Ltd" hold first and last names but are no people.
      const claimed: TextSpan[] = [];
      for (const s of places) if (s.score >= CLAIM_SCORE) claimed.push(s);
      for (const s of organizations) if (s.score >= CLAIM_SCORE) claimed.push(s);
      // personSpansOf returns a new array: the other spans join it, and it is ranked in place.
      const all = personSpansOf(ctx, claimed);
      for (const s of places) all.push(s);
      for (const s of organizations) all.push(s);
      return resolveOwnOverlaps(all);
    },
  };
}

export async function loadTextDetectors(): Promise<TextDetectors> {
  return createTextDetectors(await loadTextResources());
}

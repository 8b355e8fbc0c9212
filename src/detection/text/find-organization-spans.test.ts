import { beforeAll, describe, expect, it } from 'vitest';

import { loadTextDetectors, type TextDetectors } from './index.js';

let detectors: TextDetectors;
beforeAll(async () => {
  detectors = await loadTextDetectors();
}, 30_000);

function orgs(text: string): string[] {
  return detectors.findOrganizationSpans(text).map((s) => text.slice(s.start, s.end));
}

describe('findOrganizationSpans', () => {
  it('finds companies by legal form in several countries', () => {
    expect(orgs('Invoice from Acme Widgets Inc. arrived')).toEqual(['Acme Widgets Inc.']);
    expect(orgs('Vertrag mit Müller Logistik GmbH')).toEqual(['Müller Logistik GmbH']);
    expect(orgs('Paid Smith, Jones and Brown LLC today')).toEqual(['Smith, Jones and Brown LLC']);
  });

  it('ignores legal-form letters without a capitalised name before them', () => {
    expect(orgs('the ag sector and inc. numbers')).toEqual([]);
  });
});

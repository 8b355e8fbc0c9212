import { describe, expect, it } from 'vitest';
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';

import { PHONE_DEFAULT_REGIONS } from './phone.js';
import { internationalPossibleOrValid, nationalValid } from './phone-parse.js';
import { mulberry32 } from '../../../test/helpers/mulberry32.js';

/**
 * phone-parse.ts answers what libphonenumber-js answers, on fuzzed phone-like texts: national numbers in every
 * region the detector tries, `+` numbers of every country. The texts are built from the library's example
 * numbers (valid ones), with digits changed, added, dropped, trunk and country prefixes, and separators.
 * PHONE_FUZZ_COUNT sets how many texts of each kind (default 4,000; the speed change was checked with 200,000).
 */
const COUNT = Number(process.env['PHONE_FUZZ_COUNT'] ?? 4000);

const countries = getCountries();
const exampleOf = (country: CountryCode): string =>
  (examples as Record<string, string | undefined>)[country] ?? '2025550123';

function fuzzer(seed: number) {
  const r = mulberry32(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const digit = () => String(int(10));
  const digits = (n: number) => Array.from({ length: n }, digit).join('');

  /** Digits of a number of `country`: its example, changed. */
  function nationalDigits(country: CountryCode): string {
    let d = exampleOf(country);
    switch (int(8)) {
      case 0:
        break;
      case 1:
      case 2: {
        // Last digits changed: mostly still valid.
        const k = 1 + int(Math.min(6, d.length));
        d = d.slice(0, d.length - k) + digits(k);
        break;
      }
      case 3:
        d = d.slice(0, int(d.length)) + digit() + d.slice(int(d.length)); // a digit added (maybe twice)
        break;
      case 4:
        d = d.slice(0, d.length - 1 - int(3));
        break;
      case 5: {
        // Leading digits changed: other types, other ranges.
        const k = 1 + int(3);
        d = digits(k) + d.slice(k);
        break;
      }
      case 6:
        d = digits(5 + int(10));
        break;
      default:
        d = pick(['0', '1', '00', '01', '011', '0011', '9', '90']) + d;
    }
    return d;
  }

  /** Digits laid out with the separators the library reads as punctuation. */
  function layout(d: string): string {
    const style = int(6);
    if (style === 0) return d;
    const seps = [' ', '-', '.', '/', ' - '];
    const sep = pick(seps);
    let out = '';
    let i = 0;
    let group = 0;
    while (i < d.length) {
      const n = Math.min(d.length - i, 1 + int(4));
      let part = d.slice(i, i + n);
      if (group === 0 && style === 1) part = `(${part})`;
      out += (group > 0 ? (style === 5 ? pick(seps) : sep) : '') + part;
      i += n;
      group++;
    }
    if (style === 2 && int(4) === 0) out = `(${out})`;
    return out;
  }

  return {
    national(): { text: string; region: CountryCode } {
      const region = pick(PHONE_DEFAULT_REGIONS);
      let d = nationalDigits(int(4) === 0 ? pick(countries) : region);
      const extra = int(10);
      if (extra === 0) d = getCountryCallingCode(region) + d;
      else if (extra === 1) d = `0${d}`;
      else if (extra === 2) d = getCountryCallingCode(region) + d.replace(/^0/, '');
      return { text: layout(d), region };
    },
    international(): string {
      const country = pick(countries);
      let d = nationalDigits(country);
      if (int(3) === 0) d = `0${d}`;
      const code = int(12) === 0 ? digits(1 + int(3)) : getCountryCallingCode(country);
      return (int(2) === 0 ? '+' : pick(['+ ', '+(', '+-'])) + layout(code + d);
    },
  };
}

describe('phone-parse: the same verdicts as libphonenumber-js', () => {
  it('national numbers in every region the detector tries', () => {
    const f = fuzzer(20261127);
    let compared = 0;
    let answered = 0;
    let valid = 0;
    const disagreements: string[] = [];
    for (let n = 0; n < COUNT; n++) {
      const { text } = f.national();
      // Every default region, not only the one the digits came from.
      for (const r of PHONE_DEFAULT_REGIONS) {
        const ours = nationalValid(text, r);
        const theirs = parsePhoneNumberFromString(text, r)?.isValid() === true;
        compared++;
        if (ours === undefined) continue;
        answered++;
        if (theirs) valid++;
        if (ours !== theirs && disagreements.length < 10) disagreements.push(`${r} ${text.length}`);
      }
    }
    if (process.env['PHONE_FUZZ_COUNT'] !== undefined)
      process.stderr.write(`national: ${compared} compared, ${answered} answered here, ${valid} valid\n`);
    expect(disagreements).toEqual([]);
    // The fuzzed set reaches both verdicts, and most texts are answered here (not by the library).
    expect(valid).toBeGreaterThan(answered / 20);
    expect(answered).toBeGreaterThan(compared * 0.9);
  });

  it('national numbers in any region', () => {
    const f = fuzzer(7);
    let answered = 0;
    let valid = 0;
    const disagreements: string[] = [];
    for (let n = 0; n < COUNT * 3; n++) {
      const region = countries[n % countries.length] as CountryCode;
      const { text } = f.national();
      const ours = nationalValid(text, region);
      if (ours === undefined) continue;
      const theirs = parsePhoneNumberFromString(text, region)?.isValid() === true;
      answered++;
      if (theirs) valid++;
      if (ours !== theirs && disagreements.length < 10) disagreements.push(`${region} ${text.length}`);
    }
    if (process.env['PHONE_FUZZ_COUNT'] !== undefined)
      process.stderr.write(
        `national, any region: ${COUNT * 3} compared, ${answered} answered here, ${valid} valid\n`,
      );
    expect(disagreements).toEqual([]);
    expect(valid).toBeGreaterThan(0);
  });

  it('international numbers of every country', () => {
    const f = fuzzer(4242);
    let answered = 0;
    let accepted = 0;
    const disagreements: string[] = [];
    for (let n = 0; n < COUNT * 3; n++) {
      const text = f.international();
      const parsed = parsePhoneNumberFromString(text);
      let theirs: boolean | string;
      try {
        theirs = parsed !== undefined && (parsed.isPossible() || parsed.isValid());
      } catch {
        theirs = 'throws';
      }
      const ours = internationalPossibleOrValid(text);
      if (ours === undefined) continue;
      answered++;
      if (theirs === true) accepted++;
      if (ours !== theirs && disagreements.length < 10)
        disagreements.push(`${text.length} ${String(theirs)}`);
    }
    if (process.env['PHONE_FUZZ_COUNT'] !== undefined)
      process.stderr.write(
        `international: ${COUNT * 3} compared, ${answered} answered here, ${accepted} accepted\n`,
      );
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(answered / 10);
    expect(answered).toBeGreaterThan(COUNT * 3 * 0.9);
  });

  it('leaves to the library what it does not read itself', () => {
    expect(nationalValid('020 7946 0958 ext. 12', 'GB')).toBeUndefined();
    expect(nationalValid('011 44 20 7946 0958', 'US')).toBeUndefined();
    expect(nationalValid('０２０ ７９４６ ０９５８', 'GB')).toBeUndefined();
    expect(nationalValid('020 7946 0958', 'ZZ' as CountryCode)).toBeUndefined();
    expect(internationalPossibleOrValid('+44 20 7946 0958 x12')).toBeUndefined();
    expect(nationalValid('020 7946 0958', 'GB')).toBe(true);
    expect(internationalPossibleOrValid('+44 20 7946 0958')).toBe(true);
  });
});

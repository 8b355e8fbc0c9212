import { describe, expect, it } from 'vitest';
import { isIdentifierLike, isPhoneShaped, LeakIndex, phoneDigits } from './leak-index.js';
import { indexByShape, indexTextTokens, KIND_BIT, probeText } from './text-probes.js';

function index(): LeakIndex {
  const leaks = new LeakIndex({ key: Buffer.from('fixed-test-key!!') });
  leaks.addEmail('Mary.Smith@corp.example');
  leaks.addPhone('+1 (415) 555-0132');
  leaks.addName('Mary Smith');
  leaks.addIdentifier('mike.hillyer');
  leaks.addIdentifier('47 MySakila Drive');
  return leaks;
}

describe('probeText', () => {
  it('finds a real email, phone (in another format), full name and identifier inside text', () => {
    const leaks = index();
    expect(probeText(leaks, 'write to mary.smith@corp.example today')).toBe(KIND_BIT.email);
    expect(probeText(leaks, 'call 415.555.0132 after 5pm')).toBe(KIND_BIT.phone);
    expect(probeText(leaks, 'Spoke with MARY  SMITH yesterday')).toBe(KIND_BIT.name);
    expect(probeText(leaks, 'login mike.hillyer failed')).toBe(KIND_BIT.identifier);
    expect(probeText(leaks, 'ship to 47 MySakila Drive, please')).toBe(KIND_BIT.identifier);
    expect(probeText(leaks, 'Mary Smith, mary.smith@corp.example')).toBe(KIND_BIT.name | KIND_BIT.email);
  });

  it('finds the same in a worker thread’s copy (shared memory, first-word bitmap included)', () => {
    const worker = LeakIndex.fromShared(index().share());
    expect(probeText(worker, 'Spoke with MARY  SMITH yesterday')).toBe(KIND_BIT.name);
    expect(probeText(worker, 'ship to 47 MySakila Drive, please')).toBe(KIND_BIT.identifier);
    expect(worker.startsIndexedPhrase('mary')).toBe(true);
    expect(worker.startsIndexedPhrase('yesterday')).toBe(false);
  });

  it('does not report a shared first name, a name split by punctuation, or other values', () => {
    const leaks = index();
    expect(probeText(leaks, 'Mary called about her order')).toBe(0);
    expect(probeText(leaks, 'Mary, Smith and Jones')).toBe(0);
    expect(probeText(leaks, 'call 415.555.0133 or write to mary.smith@corp.example.org')).toBe(0);
    expect(probeText(leaks, '')).toBe(0);
  });

  it('an empty index finds nothing', () => {
    expect(probeText(new LeakIndex(), 'Mary Smith mary.smith@corp.example')).toBe(0);
  });

  it('counts its bitmaps in the memory it reports, not only the fingerprint table', () => {
    const index = new LeakIndex({ initialSlots: 1024, maxSlots: 4096 });
    index.addEmail('mary.smith@corp.example');
    // Table: 1024 slots of 8 bytes; first-word bitmap 2^20 bits; presence bitmap two bits per slot of the cap.
    expect(index.stats().bytes).toBe(1024 * 8 + 2 ** 20 / 8 + (2 * 4096) / 8);
  });
});

describe('source indexing helpers', () => {
  it('indexes emails and phones quoted in text, not its words', () => {
    const leaks = new LeakIndex();
    indexTextTokens(leaks, 'Hi, this is Ann Lee, ann@lee.example, +44 20 7946 0958');
    expect(leaks.hasEmail('ANN@lee.example')).toBe(true);
    expect(leaks.hasPhone('020 7946 0958')).toBe(true);
    expect(leaks.hasFoldedName('ann lee')).toBe(false);
  });

  it('takes no phone from a digit run inside a word or a bare number (ticket ids kept in both texts)', () => {
    const leaks = new LeakIndex();
    const note = 'Spoke with Ann Lee (+1 512-555-7122) about ticket 1679091c5a, ab3238922 and 3636638817';
    indexTextTokens(leaks, note);
    expect(leaks.hasPhone('512-555-7122')).toBe(true);
    expect(leaks.stats().values).toBe(1);
    // The same ticket ids survive redaction: they are not a leaked phone.
    expect(probeText(leaks, 'Spoke with Bo Day ((555) 010-4477) about ticket 1679091c5a and ab3238922')).toBe(
      0,
    );
    expect(probeText(leaks, 'call 5125557122, ok')).toBe(KIND_BIT.phone);
  });

  it('indexes values of other actions by their shape only', () => {
    const leaks = new LeakIndex();
    for (const value of ['bob@x.example', '555-010-4477', 'a1b2c3d4e5', 'Paris', '02139'])
      indexByShape(leaks, value);
    expect(leaks.stats().values).toBe(3);
  });

  it('shape predicates', () => {
    expect(phoneDigits('+1 (555) 010-4477 x12')).toBe('5550104477');
    expect(phoneDigits('+1 415-555-0142')).not.toBe(phoneDigits('+1 215-555-0142'));
    expect(phoneDigits('1961-05-23')).toBeNull();
    expect(phoneDigits('12-34')).toBeNull();
    expect(isPhoneShaped('2006-02-15')).toBe(false);
    expect(isPhoneShaped('020 7946 0958')).toBe(true);
    expect(isPhoneShaped('call me')).toBe(false);
    expect(isIdentifierLike('jsmith_77')).toBe(true);
    expect(isIdentifierLike('Smith')).toBe(false);
    expect(isIdentifierLike('two words')).toBe(false);
  });
});

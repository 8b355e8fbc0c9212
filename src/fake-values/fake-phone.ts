import { fitLength } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

/** A North American area code: [2-9][0-8][0-9], never an N11 service code. */
function areaCode(stream: SeedStream): string {
  const first = stream.between(2, 9);
  const second = stream.below(9);
  let third = stream.below(10);
  if (second === 1 && third === 1) third = 2;
  return `${first}${second}${third}`;
}

type Format = (area: string, exchange: string, line: string) => string;

/** Ten-digit layouts, longest first; all keep the digits in the same order. */
const FORMATS: readonly { readonly length: number; readonly format: Format }[] = [
  { length: 15, format: (a, e, l) => `+1 ${a}-${e}-${l}` },
  { length: 14, format: (a, e, l) => `(${a}) ${e}-${l}` },
  { length: 12, format: (a, e, l) => `${a}-${e}-${l}` },
  { length: 10, format: (a, e, l) => `${a}${e}${l}` },
];
const DEFAULT_FORMATS = [FORMATS[1]!, FORMATS[2]!];
/** ` x12345`: an extension, used only to widen unique phones. */
const EXTENSION_LENGTH = 7;

/**
 * US numbers in the range reserved for fiction (NXX 555, lines 0100–0199), e.g. `(415) 555-0142`, so a
 * fake never rings a real person. `sourceLength` picks the layout (10 digits, 12 `415-555-0142`,
 * 14 `(415) 555-0142`, 15 `+1 415-555-0142`).
 *
 * With `unique` the fictional range (~16 bits) is far too small, so every digit is keyed (real-looking
 * numbers: ~32.4 bits), plus an extension ` x#####` when the column allows (~49 bits). Phones cannot reach
 * 64 bits: 1M unique phones collide with probability ~0.1 % with the extension, and almost surely without.
 */
export const fakePhone: KindGenerator = {
  output: { categories: ['string'], minLength: 10, typicalMaxLength: 14, canBeUnique: false },
  generate(seed, maxLength, unique, sourceLength) {
    const stream = new SeedStream(seed);
    const area = areaCode(stream);
    const exchange = unique ? `${stream.between(2, 9)}${stream.digits(2)}` : '555';
    const line = unique ? stream.digits(4) : `01${stream.digits(2)}`;
    let layout = DEFAULT_FORMATS[stream.below(DEFAULT_FORMATS.length)]!;
    if (sourceLength !== undefined) layout = FORMATS.find((f) => f.length <= sourceLength) ?? layout;
    // A unique phone gives up punctuation before it gives up its extension.
    const room = unique && maxLength - EXTENSION_LENGTH >= 10 ? maxLength - EXTENSION_LENGTH : maxLength;
    if (layout.length > room) layout = FORMATS.find((f) => f.length <= room) ?? layout;
    if (layout.length > maxLength) {
      return maxLength === 7 ? `${exchange}${line}` : fitLength(`${exchange}-${line}`, maxLength);
    }
    const number = layout.format(area, exchange, line);
    if (unique && number.length + EXTENSION_LENGTH <= maxLength) return `${number} x${stream.digits(5)}`;
    return number;
  },
  uniqueCapacityBits(maxLength) {
    // area 8·9·10 − N11, exchange 8·100, line 10^4, extension 10^5
    const tenDigits = Math.log2(712 * 800 * 10_000);
    if (maxLength === null || maxLength >= 10 + EXTENSION_LENGTH)
      return Math.floor(tenDigits + Math.log2(100_000));
    if (maxLength >= 10) return Math.floor(tenDigits);
    if (maxLength >= 7) return Math.floor(Math.log2(800 * 10_000));
    return 0;
  },
};

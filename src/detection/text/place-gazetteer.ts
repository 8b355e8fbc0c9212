import { type LocaleDefinitions, latinStrings, loadFakerLocales, localeStrings } from './faker-locales.js';
import { foldToken } from './fold-token.js';
import { SharedWordTable, type SharedWordTableData } from './shared-word-table.js';

export const PLACE_CITY = 1;
export const PLACE_STATE = 2;
export const PLACE_COUNTRY = 4;
/** Two- or three-letter state codes (CA, NY, NSW): a place only next to a city or postal code. */
export const PLACE_STATE_CODE = 8;
/** The phrase begins a longer place name ("new" of "New York"): worth reading one more word. */
export const PLACE_PREFIX = 16;

/** Cities people write about that faker's locale lists (mostly regional towns) leave out. */
const MAJOR_CITIES = `London;Paris;Berlin;Madrid;Rome;Amsterdam;Brussels;Vienna;Zurich;Geneva;Lisbon;Dublin;Edinburgh;
Manchester;Birmingham;Liverpool;Glasgow;Leeds;Bristol;Munich;Hamburg;Frankfurt;Cologne;Stuttgart;Düsseldorf;
Barcelona;Valencia;Seville;Milan;Naples;Turin;Florence;Venice;Lyon;Marseille;Toulouse;Nice;Bordeaux;Lille;
Rotterdam;Utrecht;The Hague;Antwerp;Copenhagen;Stockholm;Oslo;Helsinki;Warsaw;Krakow;Prague;Budapest;Bucharest;
Athens;Istanbul;Ankara;Moscow;Kyiv;Cairo;Lagos;Nairobi;Johannesburg;Cape Town;Accra;Casablanca;Dubai;Riyadh;
Mumbai;Delhi;New Delhi;Bangalore;Chennai;Kolkata;Karachi;Dhaka;Bangkok;Singapore;Kuala Lumpur;Jakarta;Manila;
Hanoi;Ho Chi Minh City;Saigon;Hong Kong;Shanghai;Beijing;Shenzhen;Tokyo;Osaka;Kyoto;Seoul;Busan;Taipei;Sydney;
Melbourne;Brisbane;Perth;Auckland;Wellington;Toronto;Montreal;Vancouver;Ottawa;Calgary;Mexico City;Guadalajara;
São Paulo;Rio de Janeiro;Buenos Aires;Santiago;Lima;Bogotá;Caracas;New York;New York City;Los Angeles;Chicago;
Houston;Phoenix;Philadelphia;San Antonio;San Diego;Dallas;San Jose;Austin;San Francisco;Seattle;Denver;Boston;
Miami;Atlanta;Detroit;Minneapolis;Portland;Las Vegas;Baltimore;Nashville;New Orleans;Washington;Brooklyn`;

const COUNTRY_ALIASES = `USA;U.S.A.;United States;United States of America;America;UK;U.K.;United Kingdom;Great Britain;
Britain;England;Scotland;Wales;Northern Ireland;Deutschland;España;Italia;Nederland;Holland;Schweiz;Suisse;
Österreich;Sverige;Norge;Danmark;Polska;Türkiye;Brasil;México;Viet Nam;Vietnam;South Korea;Korea;Czechia;
Czech Republic;UAE;Russia;Ivory Coast`;

/** Multi-word place names, folded and keyed by their token sequence. */
export interface PlaceGazetteer {
  /** Longest phrase length in tokens. */
  readonly maxTokens: number;
  readonly size: number;
  /** Bit set of PLACE_* for a folded phrase (tokens joined by one space), 0 when unknown. PLACE_PREFIX
   * alone means only "a longer name starts so". */
  lookup(foldedPhrase: string): number;
  /** Hands the gazetteer to worker threads (shared memory, see `placeGazetteerFromShared`). */
  share(): SharedPlaceGazetteer;
}

/** A gazetteer built in another thread: its table in shared memory, its figures. */
export interface SharedPlaceGazetteer {
  readonly table: SharedWordTableData;
  readonly maxTokens: number;
  readonly size: number;
}

function phraseKey(raw: string): string {
  // Same token boundaries as tokenize-text: words with inner ' and -, punctuation dropped.
  const words = raw.match(/[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu) ?? [];
  return words.map(foldToken).join(' ');
}

function list(text: string): string[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function buildPlaceGazetteer(locales: LocaleDefinitions): PlaceGazetteer {
  const places = new Map<string, number>();
  let maxTokens = 1;
  const add = (raw: string, flag: number): void => {
    const key = phraseKey(raw);
    if (key.length < 2) return;
    places.set(key, (places.get(key) ?? 0) | flag);
    maxTokens = Math.max(maxTokens, key.split(' ').length);
  };
  for (const city of latinStrings(locales, ['location', 'city_name'])) add(city, PLACE_CITY);
  for (const city of list(MAJOR_CITIES)) add(city, PLACE_CITY);
  for (const state of latinStrings(locales, ['location', 'state'])) add(state, PLACE_STATE);
  for (const country of latinStrings(locales, ['location', 'country'])) add(country, PLACE_COUNTRY);
  for (const country of list(COUNTRY_ALIASES)) add(country, PLACE_COUNTRY);
  // Codes only from locales whose codes are used in addresses (US, CA, AU); other lists hold long names.
  for (const code of localeStrings(locales, ['en', 'en_US', 'en_CA', 'en_AU'], ['location', 'state_abbr'])) {
    if (/^[A-Z]{2,3}$/.test(code)) add(code, PLACE_STATE_CODE);
  }
  maxTokens = Math.min(maxTokens, 6);
  for (const key of [...places.keys()]) {
    const words = key.split(' ');
    for (let n = 1; n < words.length && n < maxTokens; n++) {
      const prefix = words.slice(0, n).join(' ');
      places.set(prefix, (places.get(prefix) ?? 0) | PLACE_PREFIX);
    }
  }
  let size = 0;
  for (const flags of places.values()) if ((flags & ~PLACE_PREFIX) !== 0) size++;
  return placeGazetteerOf({ table: SharedWordTable.build(places).share(), maxTokens, size });
}

/** The gazetteer over a table built elsewhere (another thread's `share()`), without a copy. */
export function placeGazetteerFromShared(shared: SharedPlaceGazetteer): PlaceGazetteer {
  return placeGazetteerOf(shared);
}

function placeGazetteerOf(shared: SharedPlaceGazetteer): PlaceGazetteer {
  const table = SharedWordTable.fromShared(shared.table);
  return {
    maxTokens: shared.maxTokens,
    size: shared.size,
    lookup: (foldedPhrase) => table.get(foldedPhrase),
    share: () => shared,
  };
}

let gazetteer: Promise<PlaceGazetteer> | undefined;

export function loadPlaceGazetteer(): Promise<PlaceGazetteer> {
  gazetteer ??= loadFakerLocales().then(buildPlaceGazetteer);
  return gazetteer;
}

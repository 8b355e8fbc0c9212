import { type LocaleDefinitions, loadFakerLocales } from './faker-locales.js';
import { foldToken } from './fold-token.js';

/**
 * The words addresses are built from, folded: street types before or after the name, glued street
 * endings, unit words, and the productive parts of town names (prefixes, suffixes, infixes). Read from
 * every Latin-script faker locale's own patterns (so a locale's street and town shapes come with it) plus
 * short committed lists of real-world forms that faker lacks (abbreviations, common European types).
 */
export interface AddressVocabulary {
  /** After the name: "Baker Street", "Elm St", "Spinka Tunnel". */
  readonly trailingTypes: ReadonlySet<string>;
  /** Before the name, strong enough to stand without a house number: "rue", "calle", "via". */
  readonly leadingTypes: ReadonlySet<string>;
  /** Before the name but everyday words too ("Monte", "Lugar"): only with a house number. */
  readonly weakLeadingTypes: ReadonlySet<string>;
  /** Glued to the name: "Hauptstraße", "Kerkstraat", "Storgatan". Longest first. */
  readonly gluedStreetEndings: readonly string[];
  /** Unit designators after the street: "Apt 4B", "Suite 200", "Zimmer 3". */
  readonly unitWords: ReadonlySet<string>;
  /** Words that start a town's name: "Fort", "North", "Bad", "Borgo", "San". */
  readonly cityPrefixes: ReadonlySet<string>;
  /** Folded phrases after a town's name: "do sul", "a mare", "green", "aan de ijssel". */
  readonly citySuffixPhrases: ReadonlySet<string>;
  /** Longest phrase in `citySuffixPhrases`, in words. */
  readonly citySuffixMaxWords: number;
  /** Town-name endings of four letters or more: "ville", "burgh", "chester", "dorf". Longest first. */
  readonly cityEndings: readonly string[];
  /** Three-letter endings ("ton", "ham", "ley"): evidence only next to other address evidence. */
  readonly shortCityEndings: readonly string[];
  /** Hyphenated infixes of English town names: "-upon-", "-under-", "-le-". */
  readonly cityInfixes: readonly string[];
}

const LATIN = /^[\p{Script=Latin}\p{M}\s'’.-]+$/u;

/** Real-world street types faker does not spell out (abbreviations, other languages). */
const TRAILING = `street st avenue ave av road rd boulevard blvd lane ln drive dr court ct place pl square sq terrace
tce way parkway pkwy highway hwy circle cir trail crescent cres close grove gardens row mews hill park walk loop
plaza alley path pike ridge crossing point view creek heights gate expressway freeway turnpike causeway
embankment parade rise vale wharf quay landing meadow meadows commons estates`;

const LEADING = `rue avenue av boulevard bd chemin allée allee impasse quai route cours passage voie calle avenida avda
plaza paseo camino carrera carretera glorieta travesía travesia ronda via viale piazza piazzale corso largo vicolo
strada contrada rua travessa praça praca alameda estrada rodovia marginal ul ulica aleja al aleea bulevardul
strada calea intrarea`;

const GLUED = `straße strasse str weg gasse platz allee ring damm ufer chaussee steig pfad markt graben hof
straat laan plein gracht kade dijk singel steeg plantsoen park gade vej gatan vägen gata veien gränd torget
katu tie kuja polku utca`;

const UNITS = `apt apartment suite ste unit flat floor fl room rm bldg building appartamento piano zimmer og etage
étage leil lgh dz no nr`;

const CITY_PREFIXES = `north south east west new old upper lower great little fort port lake mount saint st sainte san
santa santo são sao bad neu alt nord süd sud ost groß gross klein nieuw oud`;

const CITY_ENDINGS = `ville burg bourg burgh borough boro berg dorf heim hausen ingen stadt stedt furt polis grad ford
field port mouth chester caster cester minster wich wick thorpe holm hamn köping stad town land view side shire
worth haven bury fort`;

function words(list: string): string[] {
  return list.split(/\s+/).filter((w) => w.length > 0);
}

/** Faker's pattern strings ("{{person.lastName}} {{location.street_suffix}}"), any script. */
function patterns(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function strings(value: unknown): string[] {
  const lists = Array.isArray(value)
    ? [value]
    : typeof value === 'object' && value !== null
      ? Object.values(value)
      : [];
  const out: string[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) if (typeof item === 'string' && LATIN.test(item)) out.push(item);
  }
  return out;
}

function foldPhrase(raw: string): string {
  return (raw.match(/[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu) ?? []).map(foldToken).join(' ');
}

export function buildAddressVocabulary(locales: LocaleDefinitions): AddressVocabulary {
  const trailing = new Set(words(TRAILING));
  const leading = new Set(words(LEADING).map(foldToken));
  const weakLeading = new Set<string>();
  const glued = new Set(words(GLUED).map(foldToken));
  const prefixes = new Set(words(CITY_PREFIXES).map(foldToken));
  const suffixPhrases = new Set<string>();
  const endings = new Set(words(CITY_ENDINGS).map(foldToken));
  const infixes = new Set<string>();
  for (const locale of Object.values(locales)) {
    const location = (locale as { location?: Record<string, unknown> }).location;
    if (location === undefined) continue;
    const streetPatterns = patterns(location.street_pattern);
    const streetSuffixes = strings(location.street_suffix);
    const streetPrefixes = strings(location.street_prefix);
    for (const pattern of streetPatterns) {
      // The pattern says where the locale puts its type word: before, after or glued to the name.
      const target = pattern.startsWith('{{location.street_suffix}} ')
        ? ['weak', streetSuffixes]
        : pattern.startsWith('{{location.street_prefix}} ')
          ? ['weak', streetPrefixes]
          : pattern.endsWith(' {{location.street_suffix}}')
            ? ['trailing', streetSuffixes]
            : pattern.endsWith('}}{{location.street_suffix}}')
              ? ['glued', streetSuffixes]
              : pattern.endsWith('}}{{location.common_street_suffix}}')
                ? ['glued', strings(location.common_street_suffix)]
                : undefined;
      if (target === undefined) continue;
      const [where, list] = target as [string, string[]];
      for (const raw of list) {
        const folded = foldPhrase(raw);
        if (folded.length < 2 || folded.includes(' ')) continue;
        if (where === 'trailing') trailing.add(folded);
        else if (where === 'glued') glued.add(folded);
        else if (!leading.has(folded)) weakLeading.add(folded);
      }
    }
    const cityPatterns = patterns(location.city_pattern);
    const cityPrefixes = strings(location.city_prefix);
    const citySuffixes = strings(location.city_suffix);
    for (const pattern of cityPatterns) {
      if (pattern.startsWith('{{location.city_prefix}} ')) {
        for (const raw of cityPrefixes) {
          const folded = foldPhrase(raw);
          if (folded.length >= 2 && !folded.includes(' ')) prefixes.add(folded);
        }
      }
      if (!pattern.includes('{{location.city_suffix}}')) continue;
      const spaced = / \{\{location\.city_suffix\}\}/.test(pattern);
      for (const raw of citySuffixes) {
        const folded = foldPhrase(raw);
        if (folded.length < 2) continue;
        if (spaced || raw.startsWith(' ')) suffixPhrases.add(folded);
        else if (!folded.includes(' ') && folded.length >= 3) endings.add(folded);
      }
    }
    for (const raw of strings(location.city_infix)) {
      const folded = foldToken(raw.trim());
      if (/^-\p{L}+-$/u.test(folded)) infixes.add(folded);
    }
  }
  const long = [...endings].filter((e) => e.length >= 4).sort((a, b) => b.length - a.length);
  const short = [...endings].filter((e) => e.length === 3);
  return {
    trailingTypes: trailing,
    leadingTypes: leading,
    weakLeadingTypes: weakLeading,
    gluedStreetEndings: [...glued].sort((a, b) => b.length - a.length),
    unitWords: new Set(words(UNITS).map(foldToken)),
    cityPrefixes: prefixes,
    citySuffixPhrases: suffixPhrases,
    citySuffixMaxWords: Math.max(1, ...[...suffixPhrases].map((p) => p.split(' ').length)),
    cityEndings: long,
    shortCityEndings: short,
    cityInfixes: [...infixes],
  };
}

let vocabulary: Promise<AddressVocabulary> | undefined;

export function loadAddressVocabulary(): Promise<AddressVocabulary> {
  vocabulary ??= loadFakerLocales().then(buildAddressVocabulary);
  return vocabulary;
}

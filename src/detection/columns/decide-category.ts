import type { TypeCategory } from '../../core/index.js';
import type { EntityId, Evidence } from '../detection-types.js';
import type { NameLikelihood, ValueMatcher } from './column-classification.js';
import type { ColumnNameRules } from './column-name-rules.js';
import { matchColumnName } from './match-column-name.js';
import type { NameContext, NameFindings } from './match-column-name.js';
import {
  fallbackIsFirstName,
  fallbackNameLikelihood,
  GENDER_WORDS,
  profileValues,
} from './profile-values.js';
import type { ValueProfile } from './profile-values.js';

/** Everything one decision reads: a column, or one JSON path inside a column. */
export interface DecideInput {
  readonly names: NameContext;
  readonly typeCategory: TypeCategory;
  readonly baseType: string;
  readonly enumLabels: readonly string[] | null;
  readonly values: readonly string[] | null;
  readonly nulls: number;
  readonly distinct?: number | undefined;
  readonly unique: boolean;
  readonly primaryKey: boolean;
  readonly foreignKey: boolean;
}

export interface DecideOptions {
  readonly rules: ColumnNameRules;
  readonly matchValue: ValueMatcher;
  readonly isLikelyName?: NameLikelihood | undefined;
  readonly isFirstName?: ((word: string) => boolean) | undefined;
  readonly referenceYear?: number | undefined;
}

export interface Decision {
  readonly category: EntityId | null;
  readonly confidence: number;
  readonly evidence: readonly Evidence[];
  readonly prose: boolean;
}

/** Kinds whose values answer for each other: a name says FIRST_NAME, a lexicon says PERSON. */
const FAMILIES: readonly (readonly string[])[] = [
  ['PERSON', 'FIRST_NAME', 'LAST_NAME'],
  ['LOCATION', 'STREET_ADDRESS', 'CITY', 'STATE', 'COUNTRY', 'POSTAL_CODE'],
  ['DATE_OF_BIRTH', 'DATE_TIME'],
  ['PASSWORD', 'PASSWORD_HASH'],
  ['URL', 'DOMAIN_NAME'],
  [
    'US_SSN',
    'US_ITIN',
    'UK_NINO',
    'UK_NHS',
    'ES_NIF',
    'IT_FISCAL_CODE',
    'PL_PESEL',
    'DE_TAX_ID',
    'NL_BSN',
    'FR_NIR',
    'SE_PERSONNUMMER',
    'US_BANK_NUMBER',
    'US_PASSPORT',
    'US_DRIVER_LICENSE',
    'MEDICAL_RECORD_NUMBER',
  ],
];

/** Value kinds that are not personal on their own in a column (a timestamp is record-keeping). */
const NOT_A_COLUMN_CATEGORY = new Set(['DATE_TIME']);

/** Kinds that a handful of distinct values cannot be: 3 distinct "emails" in 200 rows are a placeholder. */
const HIGH_CARDINALITY = new Set([
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'PERSON',
  'STREET_ADDRESS',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'USERNAME',
]);

const HEX_DIGEST = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i;

function familyOf(entity: string): readonly string[] {
  return FAMILIES.find((f) => f.includes(entity)) ?? [entity];
}

const round = (n: number): number => Math.round(n * 100) / 100;
const clamp = (n: number): number => Math.max(0, Math.min(1, n));
const orCombine = (a: number, b: number): number => 1 - (1 - a) * (1 - b);

export function decideCategory(input: DecideInput, options: DecideOptions): Decision {
  const names = matchColumnName(options.rules, input.names);
  const evidence: Evidence[] = [];
  const typed = declaredTypeDecision(input, names, evidence);
  if (typed !== null) return typed;

  const values = input.values;
  const profile =
    values === null || values.length === 0
      ? null
      : profileValues(values, input.nulls, {
          matchValue: options.matchValue,
          isLikelyName: options.isLikelyName ?? fallbackNameLikelihood,
          isFirstName:
            options.isFirstName ?? (options.isLikelyName === undefined ? fallbackIsFirstName : undefined),
          referenceYear: options.referenceYear ?? new Date().getUTCFullYear(),
        });
  const distinct = input.distinct ?? profile?.distinct ?? 0;

  // Candidates from names.
  const scores = new Map<string, { name: number; value: number; evidence: Evidence[] }>();
  const slot = (entity: string): { name: number; value: number; evidence: Evidence[] } => {
    let s = scores.get(entity);
    if (s === undefined) {
      s = { name: 0, value: 0, evidence: [] };
      scores.set(entity, s);
    }
    return s;
  };
  for (const [entity, c] of names.candidates) {
    const s = slot(entity);
    s.name = c.confidence;
    s.evidence.push(c.evidence);
  }
  // Identifier suffix on a name hint (`email_id`, `login_id`): half-trusted, values decide.
  if (names.idSuffix) {
    for (const [entity, s] of scores) {
      s.name *= 0.6;
      s.evidence.push({
        detector: input.names.detector,
        detail: `identifier suffix after ${entity} hint`,
        weight: -0.2,
      });
    }
  }

  // Candidates from values.
  const valueSupport =
    profile === null ? new Map<string, ValueSupport>() : valueCandidates(profile, distinct, names);
  // A number column with no name evidence needs validated matches: five digits are a postal code only by name.
  const numeric = input.typeCategory === 'integer' || input.typeCategory === 'decimal';
  for (const [entity, v] of valueSupport) {
    if (names.excluded.has(entity)) continue;
    if (numeric && names.candidates.size === 0 && profile !== null) {
      const h = profile.hits.get(entity);
      if (h === undefined || h.validated < h.matched * 0.5) continue;
    }
    const s = slot(entity);
    s.value = Math.max(s.value, v.confidence);
    s.evidence.push(v.evidence);
  }

  // Name candidates borrow support from their family's value kinds; checkable names are checked.
  if (profile !== null) {
    for (const [entity, s] of scores) {
      if (s.name === 0) continue;
      let familyRate = valueSupport.get(entity)?.rate ?? 0;
      for (const member of familyOf(entity)) {
        const v = valueSupport.get(member);
        if (v === undefined || member === entity) continue;
        familyRate = Math.max(familyRate, v.rate);
        s.value = Math.max(s.value, v.confidence * 0.85);
      }
      // Phone numbers stored as bare digits ("14033335568") fail strict parsing but are still numbers of a
      // phone's length: under a phone name that is support, not a contradiction.
      if (entity === 'PHONE_NUMBER' && values !== null && familyRate < 0.5) {
        const shaped = values.filter(isPhoneShaped).length;
        if (shaped >= profile.sampled * 0.8) {
          familyRate = shaped / profile.sampled;
          s.value = Math.max(s.value, 0.7);
          s.evidence.push({
            detector: 'values',
            detail: 'sampled values are digit strings of a phone number’s length',
            matched: shaped,
            sampled: profile.sampled,
            weight: 0.7,
          });
        }
      }
      if (options.rules.checkable.has(entity) && profile.sampled >= 10 && familyRate < 0.1) {
        s.name *= 0.35;
        s.evidence.push({
          detector: 'values',
          detail: `no sampled value has the shape of ${entity}`,
          matched: Math.round(familyRate * profile.sampled),
          sampled: profile.sampled,
          weight: -0.5,
        });
      }
      if (HIGH_CARDINALITY.has(entity) && profile.sampled >= 50 && distinct < profile.sampled * 0.05) {
        s.name *= 0.7;
        s.value *= 0.7;
        s.evidence.push({
          detector: 'cardinality',
          detail: `only ${distinct} distinct values in ${profile.sampled}: not a per-person value`,
          weight: -0.2,
        });
      }
    }
    // A password column holding digests or crypt strings holds password hashes.
    const password = scores.get('PASSWORD');
    if (password !== undefined && password.name > 0 && values !== null) {
      const digests = values.filter((v) => HEX_DIGEST.test(v.trim())).length + profile.passwordHashes;
      if (digests >= profile.sampled * 0.8) {
        const s = slot('PASSWORD_HASH');
        s.name = Math.max(s.name, password.name);
        s.value = Math.max(s.value, 0.9);
        s.evidence.push({
          detector: 'values',
          detail: 'sampled values are digests or password-hash strings',
          matched: digests,
          sampled: profile.sampled,
          weight: 0.9,
        });
        password.name *= 0.5;
      }
    }
  }

  let best: { entity: string; confidence: number; evidence: Evidence[] } | null = null;
  for (const [entity, s] of scores) {
    const confidence = orCombine(s.name, s.value);
    if (best === null || confidence > best.confidence) best = { entity, confidence, evidence: s.evidence };
  }

  // Free text.
  const prose = profile === null ? null : proseDecision(profile, names.freeText);
  if (prose !== null) {
    const dominant = best !== null && (valueSupport.get(best.entity)?.rate ?? 0) >= 0.8 ? best : null;
    if (dominant !== null) {
      return {
        category: dominant.entity,
        confidence: round(dominant.confidence),
        evidence: dominant.evidence,
        prose: false,
      };
    }
    const nameFirm = best !== null && (scores.get(best.entity)?.name ?? 0) >= 0.85 ? best : null;
    if (nameFirm === null) {
      return { category: null, confidence: prose.confidence, evidence: [prose.evidence], prose: true };
    }
  }

  // Not personal.
  let notPersonal = 0;
  const npEvidence: Evidence[] = [];
  if (names.notPersonal !== null && names.candidates.size === 0) {
    notPersonal = names.notPersonal.confidence;
    npEvidence.push(names.notPersonal.evidence);
  }
  if (names.idSuffix && names.candidates.size === 0) {
    notPersonal = orCombine(notPersonal, 0.85);
    npEvidence.push({ detector: input.names.detector, detail: 'identifier suffix', weight: -0.85 });
  }
  if (profile !== null) {
    const quiet = quietValues(profile, distinct, names, best);
    if (quiet !== null) {
      notPersonal = orCombine(notPersonal, quiet.confidence);
      npEvidence.push(quiet.evidence);
    }
  } else if (values !== null && input.nulls > 0) {
    const confidence = input.nulls >= 20 ? 0.55 : 0.3;
    notPersonal = orCombine(notPersonal, confidence);
    npEvidence.push({
      detector: 'values',
      detail: 'every sampled value is null',
      sampled: input.nulls,
      weight: -confidence,
    });
  }

  if (best !== null && best.confidence >= 0.5 && best.confidence >= notPersonal) {
    const confidence = best.confidence * (1 - notPersonal * 0.3);
    return {
      category: best.entity,
      confidence: round(confidence),
      evidence: [...best.evidence, ...npEvidence],
      prose: false,
    };
  }
  if (notPersonal >= 0.5) {
    const confidence = notPersonal * (1 - (best?.confidence ?? 0) * 0.5);
    return {
      category: null,
      confidence: round(confidence),
      evidence: [...npEvidence, ...(best === null ? [] : best.evidence)],
      prose: false,
    };
  }
  // Undecided: low confidence, so the pipeline stops rather than guesses.
  const undecided: Evidence = {
    detector: 'classifier',
    detail:
      best === null
        ? 'neither the name nor the values say what this column holds'
        : `weak evidence for ${best.entity} only`,
    ...(profile === null ? {} : { sampled: profile.sampled }),
    weight: 0,
  };
  return {
    category: null,
    confidence: round(Math.min(0.45, Math.max(0.1, notPersonal, 1 - (best?.confidence ?? 0.7)) * 0.6)),
    evidence: [...npEvidence, ...(best?.evidence ?? []), undecided],
    prose: false,
  };
}

function declaredTypeDecision(
  input: DecideInput,
  names: NameFindings,
  evidence: Evidence[],
): Decision | null {
  const has = (entity: string): number => names.candidates.get(entity)?.confidence ?? 0;
  const nameEvidence = (entity: string): Evidence[] => {
    const c = names.candidates.get(entity);
    return c === undefined ? [] : [c.evidence];
  };
  const typeEvidence = (detail: string, weight: number): Evidence => ({
    detector: 'declared_type',
    detail,
    weight,
  });
  const notPersonal = (confidence: number, detail: string): Decision => ({
    category: null,
    confidence,
    evidence: [...evidence, typeEvidence(detail, -confidence)],
    prose: false,
  });
  switch (input.typeCategory) {
    case 'boolean':
      return notPersonal(0.97, 'boolean');
    case 'network': {
      const entity =
        input.baseType === 'macaddr' || input.baseType === 'macaddr8' ? 'MAC_ADDRESS' : 'IP_ADDRESS';
      return {
        category: entity,
        confidence: 0.95,
        evidence: [typeEvidence(`network type ${input.baseType}`, 0.9)],
        prose: false,
      };
    }
    case 'uuid':
      if (has('API_KEY') > 0)
        return { category: 'API_KEY', confidence: 0.7, evidence: nameEvidence('API_KEY'), prose: false };
      return notPersonal(0.92, 'uuid: an identifier, not personal data');
    case 'integer':
    case 'decimal':
      if (input.primaryKey || input.foreignKey) return notPersonal(0.97, `${input.typeCategory} key column`);
      if (names.idSuffix) return notPersonal(0.95, `${input.typeCategory} identifier`);
      return null;
    case 'timestamp':
    case 'time':
    case 'interval':
      if (has('DATE_OF_BIRTH') > 0) {
        return {
          category: 'DATE_OF_BIRTH',
          confidence: has('DATE_OF_BIRTH'),
          evidence: nameEvidence('DATE_OF_BIRTH'),
          prose: false,
        };
      }
      return notPersonal(
        names.excluded.has('DATE_OF_BIRTH') ? 0.97 : 0.9,
        `${input.typeCategory}: record-keeping time`,
      );
    case 'date':
      if (has('DATE_OF_BIRTH') > 0) return null;
      if (names.excluded.has('DATE_OF_BIRTH'))
        return notPersonal(0.95, 'date named as a record-keeping date');
      return null;
    case 'enum': {
      const labels = input.enumLabels ?? [];
      if (labels.length > 0 && labels.every((l) => GENDER_WORDS.has(l.toLowerCase()))) {
        return {
          category: 'GENDER',
          confidence: 0.92,
          evidence: [typeEvidence('enum labels are gender words', 0.9)],
          prose: false,
        };
      }
      const best = [...names.candidates.entries()].sort((a, b) => b[1].confidence - a[1].confidence)[0];
      if (best !== undefined)
        return {
          category: best[0],
          confidence: best[1].confidence,
          evidence: [best[1].evidence],
          prose: false,
        };
      return notPersonal(0.92, 'enum of fixed labels');
    }
    case 'binary':
      return {
        category: null,
        confidence: 0.6,
        evidence: [typeEvidence('binary content is not inspected', -0.6)],
        prose: false,
      };
    case 'text_search':
      return notPersonal(0.85, 'text-search vector, derived from other columns');
    default:
      return null;
  }
}

interface ValueSupport {
  readonly rate: number;
  readonly confidence: number;
  readonly evidence: Evidence;
}

/** How sure a hit rate makes us: a curve from "a few hits" to "nearly all", damped for small samples. */
function rateConfidence(rate: number, sampled: number, validatedShare: number): number {
  const curve =
    rate >= 0.9
      ? 0.92
      : rate >= 0.8
        ? 0.88
        : rate >= 0.6
          ? 0.6 + (rate - 0.6) * 1.4
          : rate >= 0.3
            ? rate
            : rate * 0.5;
  const size = Math.min(1, 0.6 + sampled / 50);
  return clamp((curve + 0.06 * validatedShare) * size);
}

function valueCandidates(
  profile: ValueProfile,
  distinct: number,
  names: NameFindings,
): Map<string, ValueSupport> {
  const n = profile.sampled;
  const out = new Map<string, ValueSupport>();
  const put = (entity: string, rate: number, confidence: number, detail: string, matched: number): void => {
    const current = out.get(entity);
    if (current !== undefined && current.confidence >= confidence) return;
    out.set(entity, {
      rate,
      confidence,
      evidence: { detector: 'values', detail, matched, sampled: n, weight: round(confidence) },
    });
  };
  for (const [entity, h] of profile.hits) {
    if (NOT_A_COLUMN_CATEGORY.has(entity)) continue;
    const rate = h.matched / n;
    const confidence = rateConfidence(rate, n, h.validated / h.matched) * Math.min(1, 0.5 + h.meanScore / 2);
    put(
      entity,
      rate,
      confidence,
      `${h.matched} of ${n} sampled values match ${entity} (${h.validated} validated)`,
      h.matched,
    );
  }
  if (profile.nameLike > 0) {
    const rate = profile.nameLike / n;
    const multi = profile.multiWordNames / profile.nameLike;
    const single = profile.nameLike - profile.multiWordNames;
    const entity =
      multi >= 0.5 ? 'PERSON' : profile.firstNameLike >= single * 0.5 ? 'FIRST_NAME' : 'LAST_NAME';
    // Names are a fuzzy kind: a lexicon hit is weaker evidence than a validated pattern.
    put(
      entity,
      rate,
      rateConfidence(rate, n, 0) * 0.9,
      `${profile.nameLike} of ${n} sampled values look like person names`,
      profile.nameLike,
    );
  }
  const genderRate = profile.genderWords / n;
  if (genderRate >= 0.9 && distinct >= 2 && distinct <= 12) {
    put(
      'GENDER',
      genderRate,
      0.9 * Math.min(1, 0.6 + n / 50),
      `${profile.genderWords} of ${n} sampled values are gender words, ${distinct} distinct`,
      profile.genderWords,
    );
  }
  const birthRate = profile.birthYears / n;
  if (birthRate >= 0.9 && distinct >= n * 0.5 && !names.excluded.has('DATE_OF_BIRTH')) {
    put(
      'DATE_OF_BIRTH',
      birthRate,
      0.62 * Math.min(1, 0.6 + n / 50),
      `${profile.birthYears} of ${n} sampled values are dates a birth date could be`,
      profile.birthYears,
    );
  }
  const hashRate = profile.passwordHashes / n;
  if (hashRate >= 0.8) {
    put(
      'PASSWORD_HASH',
      hashRate,
      0.92,
      `${profile.passwordHashes} of ${n} sampled values are password-hash strings`,
      profile.passwordHashes,
    );
  }
  return out;
}

function proseDecision(
  profile: ValueProfile,
  namedFreeText: boolean,
): { confidence: number; evidence: Evidence } | null {
  const sentenceShare = profile.sentences / profile.sampled;
  const proseByValues = profile.meanWords >= 6 && profile.meanLength >= 30 && sentenceShare >= 0.5;
  const proseByName = namedFreeText && profile.meanWords >= 3 && profile.meanLength >= 15;
  if (!proseByValues && !proseByName) return null;
  const confidence = proseByValues && namedFreeText ? 0.95 : proseByValues ? 0.85 : 0.8;
  return {
    confidence,
    evidence: {
      detector: 'values',
      detail: `free text: ${profile.sentences} of ${profile.sampled} sampled values have 5+ words${namedFreeText ? '; name says free text' : ''}`,
      matched: profile.sentences,
      sampled: profile.sampled,
      weight: 0,
    },
  };
}

/** Values that match nothing personal: how sure that makes "not personal", by sample size and shape. */
function quietValues(
  profile: ValueProfile,
  distinct: number,
  names: NameFindings,
  best: { entity: string; confidence: number } | null,
): { confidence: number; evidence: Evidence } | null {
  const n = profile.sampled;
  let maxRate = 0;
  for (const [entity, h] of profile.hits) {
    if (NOT_A_COLUMN_CATEGORY.has(entity) || names.excluded.has(entity)) continue;
    maxRate = Math.max(maxRate, h.matched / n);
  }
  const personExcluded = names.excluded.has('PERSON');
  const nameRate = personExcluded ? 0 : profile.nameLike / n;
  if (maxRate >= 0.1 || nameRate >= 0.15 || (best !== null && best.confidence >= 0.5)) return null;
  const share = (k: number): number => k / n;
  let confidence: number;
  let shape: string;
  if (share(profile.booleans) >= 0.95) [confidence, shape] = [0.95, 'flags'];
  else if (share(profile.uuids) >= 0.95) [confidence, shape] = [0.9, 'uuids'];
  else if (share(profile.timestamps) >= 0.95) [confidence, shape] = [0.9, 'timestamps'];
  else if (share(profile.numbers) >= 0.95) [confidence, shape] = [0.85, 'numbers'];
  else if (n >= 20 && distinct <= Math.max(3, n * 0.1))
    [confidence, shape] = [0.85, `${distinct} distinct codes`];
  else [confidence, shape] = [n >= 30 ? 0.8 : n >= 10 ? 0.7 : 0.5, 'text'];
  const damped = confidence * Math.min(1, 0.55 + n / 40);
  return {
    confidence: round(damped),
    evidence: {
      detector: 'values',
      detail: `no personal kind in sampled values (${shape})`,
      matched: Math.round(maxRate * n),
      sampled: n,
      weight: -round(damped),
    },
  };
}

/** 7–15 digits, optionally with +, spaces, dots, dashes or parentheses: a phone number's shape. */
function isPhoneShaped(value: string): boolean {
  if (!/^\+?[\d\s().-]{7,24}$/.test(value.trim())) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

import type { EntityCatalogue } from '../catalogue/index.js';
import type { EntityId } from '../detection-types.js';
import { digitsIn } from './find-pattern-spans.js';

/** Printable ASCII without spaces: one token, read the same by every stage and in every case. */
const ASCII_TOKEN = /^[!-~]+$/;

/**
 * A test of values of `type` that the pattern stage reports wherever they stand in a text as a token of their
 * own, whatever surrounds them: printable ASCII values without spaces that one of the entity's own rules
 * matches whole — as written, in lower and in upper case — that pass its validator and its prefilters, and
 * whose score without any context already reaches `threshold`, for an entity no context can lower (no
 * negative context) and whose rules the pattern stage runs (`scanned`). Undefined when no value of `type`
 * can be that certain (e.g. people, whom the NLP passes find, or phones, which text writes in many forms).
 * Such values need not be indexed to be found in text (see KnownEntityIndex).
 */
export function certainInText(
  catalogue: EntityCatalogue,
  scanned: readonly EntityId[],
  threshold: number,
  type: EntityId,
): ((value: string) => boolean) | undefined {
  const entity = catalogue.get(type);
  if (entity === undefined || entity.patternsFrom !== undefined || !scanned.includes(type)) return undefined;
  if (entity.negativeContext.words.size > 0 || entity.negativeContext.phrases.length > 0) return undefined;
  const d = catalogue.defaults;
  const validate = entity.validate;
  const rules = entity.patterns.filter((p) => {
    if (p.hasValueGroup || p.digitRun !== undefined || p.runLength > 0) return false;
    const score =
      validate === undefined
        ? p.score
        : Math.max(p.score, Math.min(d.validated_max_without_context, p.score + d.validation_boost));
    return score >= threshold;
  });
  if (rules.length === 0) return undefined;
  return (value) => {
    if (!ASCII_TOKEN.test(value)) return false;
    // Digits and the prefilter's lower-cased literals are the same in every case of an ASCII value; the
    // rule and the validator are asked of each case that differs (most values are already lower case).
    const lower = value.toLowerCase();
    const cases = lower === value ? [value, value.toUpperCase()] : [value, lower, value.toUpperCase()];
    const digits = digitsIn(value, 0, value.length);
    return (
      rules.some(
        (p) =>
          digits >= p.minDigits &&
          (p.anyOfLiterals === undefined || p.anyOfLiterals.some((l) => lower.includes(l))) &&
          cases.every((c) => p.whole.test(c)),
      ) &&
      (validate === undefined || cases.every((c) => validate(c)))
    );
  };
}

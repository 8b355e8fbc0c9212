import type { CatalogueEntity, EntityCatalogue } from '../catalogue/index.js';
import type { ValueMatch } from '../detection-types.js';

/**
 * Which entities a whole cell value is an instance of (for column classification on sampled values).
 * The trimmed value must match a rule from start to end; keyword-anchored rules (`password: …`) only count
 * when their value part is the whole value. No context exists here, so scores are base + validation only.
 * Returns every plausible kind, best first, one entry per kind.
 */
export function matchValue(value: string, catalogue: EntityCatalogue): ValueMatch[] {
  const v = value.trim();
  if (v.length === 0 || v.length > 4096) return [];
  const d = catalogue.defaults;
  const best = new Map<string, ValueMatch>();
  for (const entity of catalogue.entities) {
    const source: CatalogueEntity | undefined =
      entity.patternsFrom === undefined ? entity : catalogue.get(entity.patternsFrom);
    if (source === undefined) continue;
    let base: number | undefined;
    for (const p of source.patterns) {
      const m = p.whole.exec(v);
      if (m === null) continue;
      if (p.hasValueGroup && m.groups?.['value'] !== v) continue;
      base = Math.max(
        base ?? 0,
        entity.patternsFrom !== undefined && entity.derivedScore !== undefined
          ? entity.derivedScore
          : p.score,
      );
    }
    if (base === undefined) continue;
    let score = base;
    let validated = false;
    if (entity.validate !== undefined) {
      if (entity.validate(v)) {
        validated = true;
        score = Math.max(score, Math.min(d.validated_max_without_context, score + d.validation_boost));
      } else if (entity.validatorRequired) {
        continue;
      } else {
        score *= d.failed_validation_factor;
      }
    }
    score = Math.round(score * 1000) / 1000;
    const previous = best.get(entity.id);
    if (previous === undefined || previous.score < score)
      best.set(entity.id, { type: entity.id, score, validated });
  }
  return [...best.values()].sort((a, b) => Number(b.validated) - Number(a.validated) || b.score - a.score);
}

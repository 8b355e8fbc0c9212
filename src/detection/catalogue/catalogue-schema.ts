import { z } from 'zod';
import { ENTITY_KINDS } from '../../core/index.js';
import { VALIDATOR_NAMES } from '../validators/index.js';

/**
 * The entity catalogue file format (`rules/entities.yaml`). Objects are strict: a typo in a key is an
 * error rather than a silently ignored rule.
 */

const score = z.number().min(0).max(1);

/** The policy's action shape, written with `kind` as in the core `ActionSpec`. */
export const CatalogueActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('keep') }),
  z.strictObject({
    kind: z.literal('substitute'),
    entity: z.enum(ENTITY_KINDS),
    scope: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('mask'),
    keep_first: z.int().min(0).default(0),
    keep_last: z.int().min(0).default(0),
    char: z.string().length(1).default('*'),
  }),
  z.strictObject({ kind: z.literal('hash'), length: z.int().min(1).optional() }),
  z.strictObject({ kind: z.literal('nullify') }),
  z
    .strictObject({
      kind: z.literal('generalize'),
      to: z.enum(['year', 'month', 'day', 'hour']).optional(),
      bucket: z.number().positive().optional(),
      prefix: z.int().min(1).optional(),
    })
    .refine((v) => [v.to, v.bucket, v.prefix].filter((x) => x !== undefined).length === 1, {
      message: 'generalize needs exactly one of: to, bucket, prefix',
    }),
  z.strictObject({
    kind: z.literal('shift_date'),
    max_days: z.int().min(1),
    by: z.string().min(1).optional(),
  }),
  z.strictObject({ kind: z.literal('redact_text'), placeholder: z.string().optional() }),
  z.strictObject({ kind: z.literal('drop') }),
]);

export const PatternRuleSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case rule name'),
  regex: z.string().min(1),
  score,
  flags: z
    .string()
    .regex(/^[imsu]*$/, 'flags may only contain i, m, s, u')
    .optional(),
  /** Cheap checks on the whole text before this regex runs over it. */
  prefilter: z
    .strictObject({
      any_of: z.array(z.string().min(1)).min(1).optional(),
      min_digits: z.int().min(1).optional(),
      // The rule needs a whole run of exactly this many ASCII digits (a `\b`-bounded year: 4).
      digit_run: z.int().min(1).max(31).optional(),
    })
    .optional(),
});

const WindowSchema = z.strictObject({ before: z.int().min(0).max(50), after: z.int().min(0).max(50) });

const contextList = z.array(z.string().min(1)).default([]);

export const DETECTORS = ['pattern', 'ner', 'lexicon', 'column'] as const;

export const EntityRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an UPPER_SNAKE id'),
    label: z.string().min(1),
    description: z.string().min(1),
    detected_by: z.array(z.enum(DETECTORS)).min(1).default(['pattern']),
    substitute: z.enum(ENTITY_KINDS).optional(),
    action: CatalogueActionSchema.optional(),
    patterns: z.array(PatternRuleSchema).default([]),
    patterns_from: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
    /** Base score of candidates borrowed through patterns_from (default: the source rule's score). */
    derived_score: score.optional(),
    validator: z.enum(VALIDATOR_NAMES).optional(),
    validator_required: z.boolean().default(true),
    /**
     * In text, a candidate the validator rejects is still this entity when it has context (a context word,
     * or a `context_entities` span right before it) and holds at least `min_digits` digits: scored `score`
     * (context included), before negative context.
     */
    unvalidated_with_context: z.strictObject({ score, min_digits: z.int().min(0).default(0) }).optional(),
    /**
     * In text, a span of one of these kinds (found by another detector) ending right before a candidate,
     * with at most a bracket, comma, colon or dash between, counts as context: "Sander Dahl (94 23 07 61)".
     */
    context_entities: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/)).default([]),
    context: contextList,
    negative_context: contextList,
    context_window: WindowSchema.optional(),
    // Where negative context counts (default: the context window). "version 1.2.3.4" names the value it
    // precedes; a "version" three words after an address is about something else.
    negative_context_window: WindowSchema.optional(),
    context_boost: score.optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.substitute === undefined) === (e.action === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of: substitute, action' });
    }
    const names = new Set<string>();
    e.patterns.forEach((p, i) => {
      if (names.has(p.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['patterns', i, 'name'],
          message: `duplicate rule name "${p.name}"`,
        });
      }
      names.add(p.name);
    });
  });

export const CatalogueSchema = z
  .strictObject({
    version: z.literal(1),
    defaults: z
      .strictObject({
        context_window: WindowSchema.default({ before: 5, after: 3 }),
        context_boost: score.default(0.35),
        negative_context_penalty: score.default(0.3),
        validation_boost: score.default(0.25),
        validated_max_without_context: score.default(0.9),
        failed_validation_factor: score.default(0.25),
        min_score: score.default(0.3),
      })
      .prefault({}),
    macros: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string()).default({}),
    entities: z.array(EntityRuleSchema).min(1),
  })
  .superRefine((c, ctx) => {
    const ids = new Map<string, number>();
    c.entities.forEach((e, i) => {
      if (ids.has(e.id))
        ctx.addIssue({ code: 'custom', path: ['entities', i, 'id'], message: `duplicate entity id ${e.id}` });
      else ids.set(e.id, i);
    });
    c.entities.forEach((e, i) => {
      if (e.patterns_from === undefined) return;
      const source = ids.get(e.patterns_from);
      const target = source === undefined ? undefined : c.entities[source];
      if (target === undefined || e.patterns_from === e.id || target.patterns_from !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['entities', i, 'patterns_from'],
          message: 'must name another entity that has its own patterns',
        });
      } else if (e.patterns.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['entities', i, 'patterns'],
          message: 'give patterns or patterns_from, not both',
        });
      }
    });
  });

export type CatalogueFile = z.output<typeof CatalogueSchema>;
export type EntityRule = z.output<typeof EntityRuleSchema>;
export type PatternRule = z.output<typeof PatternRuleSchema>;
export type CatalogueDefaults = CatalogueFile['defaults'];

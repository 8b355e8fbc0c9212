import type { ActionSpec } from '../../core/index.js';
import { VALIDATORS } from '../validators/index.js';
import type { CatalogueFile, EntityRule } from './catalogue-schema.js';
import { compileContextTerms } from './context-terms.js';
import type { CatalogueEntity, CompiledPattern, EntityCatalogue } from './entity-catalogue.js';

export type Path = readonly (string | number)[];

/** Something wrong at `path` of the catalogue document (a message that names things, never quotes). */
export interface Problem {
  readonly path: Path;
  readonly message: string;
}

/**
 * Compiles a validated catalogue (`CatalogueSchema`'s output: plain data) into regexes, validators and
 * context terms; what cannot compile is added to `problems`. Imports neither the YAML parser nor zod, so
 * a transform worker compiles the catalogue its main thread parsed without loading either.
 */
export function compileEntityCatalogue(file: CatalogueFile, problems: Problem[]): EntityCatalogue {
  const entities = file.entities.map((rule, i) => compileEntity(file, rule, i, problems));
  const byId = new Map(entities.map((e) => [e.id, e]));
  const { nb, na } = file.macros;
  return {
    version: 1,
    source: file,
    defaults: file.defaults,
    entities,
    ids: entities.map((e) => e.id),
    digitRuns: nb === undefined || na === undefined ? undefined : new RegExp(`${nb}\\d+${na}`, 'g'),
    get: (id) => byId.get(id),
    has: (id) => byId.has(id),
  };
}

function compileEntity(
  file: CatalogueFile,
  rule: EntityRule,
  index: number,
  problems: Problem[],
): CatalogueEntity {
  const at = ['entities', index];
  const patterns = rule.patterns.flatMap((p, j): CompiledPattern[] => {
    const path = [...at, 'patterns', j, 'regex'];
    const source = expandMacros(p.regex, file.macros);
    if (typeof source !== 'string') {
      problems.push({
        path,
        message: `entity ${rule.id} rule ${p.name}: unknown macro {{${source.unknown}}}`,
      });
      return [];
    }
    const flags = p.flags ?? '';
    const hasValueGroup = source.includes('(?<value>');
    try {
      const scan = new RegExp(source, `g${hasValueGroup ? 'd' : ''}${flags}`);
      const whole = new RegExp(`^(?:${source})$`, flags);
      return [
        {
          name: `${rule.id.toLowerCase()}.${p.name}`,
          entity: rule.id,
          scan,
          whole,
          hasValueGroup,
          score: p.score,
          anyOfLiterals: p.prefilter?.any_of?.map((l) => l.toLowerCase()),
          minDigits: p.prefilter?.min_digits ?? 0,
          runLength: p.prefilter?.digit_run ?? 0,
          digitRun: digitRunBody(p.regex, flags),
        },
      ];
    } catch (error) {
      // V8's message quotes the pattern; keep only its final clause (the reason).
      const reason =
        error instanceof SyntaxError ? (error.message.split(': ').pop() ?? 'invalid') : 'invalid';
      problems.push({
        path,
        message: `entity ${rule.id} rule ${p.name}: the regex does not compile (${reason})`,
      });
      return [];
    }
  });
  const context = compileContextTerms(rule.context);
  const negative = compileContextTerms(rule.negative_context);
  for (const i of context.empty)
    problems.push({ path: [...at, 'context', i], message: 'a context entry needs a letter or digit' });
  for (const i of negative.empty) {
    problems.push({
      path: [...at, 'negative_context', i],
      message: 'a context entry needs a letter or digit',
    });
  }
  return {
    id: rule.id,
    label: rule.label,
    description: rule.description,
    detectedBy: rule.detected_by,
    action: toAction(rule),
    patterns,
    patternsFrom: rule.patterns_from,
    derivedScore: rule.derived_score,
    validatorName: rule.validator,
    validate: rule.validator === undefined ? undefined : VALIDATORS[rule.validator],
    validatorRequired: rule.validator_required,
    unvalidatedWithContext:
      rule.unvalidated_with_context === undefined
        ? undefined
        : { score: rule.unvalidated_with_context.score, minDigits: rule.unvalidated_with_context.min_digits },
    contextEntities: new Set(rule.context_entities),
    context: context.terms,
    negativeContext: negative.terms,
    window: rule.context_window ?? file.defaults.context_window,
    negativeWindow: rule.negative_context_window ?? rule.context_window ?? file.defaults.context_window,
    contextBoost: rule.context_boost ?? file.defaults.context_boost,
  };
}

/** The core ActionSpec, leaving out options that were not given. */
function toAction(rule: EntityRule): ActionSpec {
  if (rule.substitute !== undefined) return { kind: 'substitute', entity: rule.substitute };
  const a = rule.action ?? { kind: 'keep' };
  switch (a.kind) {
    case 'substitute':
      return a.scope === undefined
        ? { kind: a.kind, entity: a.entity }
        : { kind: a.kind, entity: a.entity, scope: a.scope };
    case 'hash':
      return a.length === undefined ? { kind: 'hash' } : { kind: 'hash', length: a.length };
    case 'generalize':
      if (a.to !== undefined) return { kind: 'generalize', to: a.to };
      if (a.bucket !== undefined) return { kind: 'generalize', bucket: a.bucket };
      return a.prefix === undefined ? { kind: 'generalize' } : { kind: 'generalize', prefix: a.prefix };
    case 'shift_date':
      return a.by === undefined
        ? { kind: a.kind, max_days: a.max_days }
        : { kind: a.kind, max_days: a.max_days, by: a.by };
    case 'redact_text':
      return a.placeholder === undefined ? { kind: a.kind } : { kind: a.kind, placeholder: a.placeholder };
    case 'mask':
      return { kind: 'mask', keep_first: a.keep_first, keep_last: a.keep_last, char: a.char };
    default:
      return { kind: a.kind };
  }
}

// Digits, digit classes, counted repeats, optional parts and groups: a body that only ever matches digits.
const DIGIT_ONLY_BODY = /^(?:\\d|\[(?:\d(?:-\d)?)+\]|[0-9]|\{\d+(?:,\d*)?\}|\(\?:|\||\)|\?)+$/;

/**
 * For a bare digit-run rule `{{nb}}<digits only>{{na}}` (no flags, no top-level alternative), its body
 * anchored to a whole run; otherwise undefined.
 */
function digitRunBody(regex: string, flags: string): RegExp | undefined {
  const m = /^\{\{nb\}\}(.+)\{\{na\}\}$/.exec(regex);
  const body = m?.[1];
  if (body === undefined || flags !== '' || !DIGIT_ONLY_BODY.test(body)) return undefined;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return undefined;
    if (depth < 0) return undefined;
  }
  return depth === 0 ? new RegExp(`^(?:${body})$`) : undefined;
}

/** Replaces `{{name}}` with the macro's regex text; returns the first unknown name instead. */
function expandMacros(regex: string, macros: Readonly<Record<string, string>>): string | { unknown: string } {
  let unknown: string | undefined;
  const out = regex.replace(/\{\{([a-z][a-z0-9_]*)\}\}/g, (_, name: string) => {
    const body = macros[name];
    if (body === undefined) unknown ??= name;
    return body ?? '';
  });
  return unknown === undefined ? out : { unknown };
}

/** Describes a zod issue from its structured fields only (never `input`, which holds file contents). */

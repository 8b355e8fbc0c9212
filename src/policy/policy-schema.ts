import { z } from 'zod';
import {
  ENCRYPT_ALPHABETS,
  ENTITY_KINDS,
  JSON_PATH_PATTERN,
  parseTableName,
  qualifiedName,
} from '../core/index.js';
import type { ActionSpec, LeafActionSpec } from '../core/index.js';
import { PolicyReferenceSchema } from './references-schema.js';
import { K_ANONYMITY_OPTIONS, refineKAnonymity } from './k-anonymity-schema.js';
import { SubsetSchema } from './subset-schema.js';

/**
 * The policy file format. The zod schemas are the documentation: `scripts/write-policy-schema.ts` turns them
 * into `rules/policy.schema.json` for editors. Objects are strict (an unknown key is an error, so a typo
 * cannot silently leave a column unprotected). Parsed actions are the core `ActionSpec`, defaults filled in.
 */

/** Actions written as a bare name (`email: hash`): those whose options are all optional. */
export const SHORTHAND_ACTIONS = [
  'keep',
  'nullify',
  'drop',
  'hash',
  'mask',
  'redact_text',
  'encrypt',
] as const;

const reason = z
  .string()
  .min(1)
  .optional()
  .describe('Why this action was chosen; copied into the plan next to the column.');

const actionOptions = {
  keep: { action: z.literal('keep').describe('Copy the value as is.') },
  substitute: {
    action: z.literal('substitute').describe('Replace with a deterministic keyed fake of the same kind.'),
    entity: z.enum(ENTITY_KINDS).describe('What kind of value this is; decides the fake.'),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe('Values with the same input and scope get the same fake. Defaults to the entity kind.'),
  },
  mask: {
    action: z.literal('mask').describe('Replace characters with `char`, keeping separators.'),
    keep_first: z.int().min(0).default(0).describe('Characters left visible at the start.'),
    keep_last: z.int().min(0).default(0).describe('Characters left visible at the end.'),
    char: z.string().length(1).default('*').describe('The masking character.'),
  },
  hash: {
    action: z.literal('hash').describe('Keyed HMAC in hex: same input, same output, so joins survive.'),
    length: z.int().min(1).optional().describe('Truncate the hex digest to this many characters.'),
  },
  encrypt: {
    action: z
      .literal('encrypt')
      .describe(
        'Format-preserving encryption (FF1, NIST SP 800-38G) of a text identifier: reversible with the key (`lookalike decrypt`); separators, case pattern and length kept; distinct values stay distinct.',
      ),
    alphabet: z
      .enum(ENCRYPT_ALPHABETS)
      .default('auto')
      .describe(
        'Characters enciphered, each within its class: digits; alphanumeric (digits and ASCII letters, case kept); auto (digits when a value has at least 6, so letter prefixes stay; else digits and letters).',
      ),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The tweak: columns holding the same identifiers (keys and their references) share a scope to stay joinable. Defaults to `encrypt`.',
      ),
  },
  nullify: { action: z.literal('nullify').describe('Write NULL.') },
  generalize: {
    action: z.literal('generalize').describe('Coarsen the value; give exactly one of to, bucket, prefix.'),
    to: z.enum(['year', 'month', 'day', 'hour']).optional().describe('Dates and timestamps: truncate to.'),
    bucket: z.number().positive().optional().describe('Numbers: round down to a multiple of this.'),
    prefix: z.int().min(1).optional().describe('Strings: keep this many leading characters.'),
  },
  shift_date: {
    action: z.literal('shift_date').describe('Move dates by a keyed offset within ±max_days days.'),
    max_days: z.int().min(1).describe('Largest shift, in days, in either direction.'),
    by: z
      .string()
      .min(1)
      .optional()
      .describe('Column whose value picks the offset, so one entity’s dates move together.'),
  },
  redact_text: {
    action: z.literal('redact_text').describe('Replace free text.'),
    mode: z
      .enum(['fake', 'placeholder'])
      .default('fake')
      .describe(
        'fake: each personal span becomes the consistent fake a column of its kind gets. placeholder: a typed, numbered placeholder (`<PERSON_1>`, `<EMAIL_ADDRESS_1>`); numbers count per type, and the same value keeps its number within one value (one JSON document).',
      ),
    placeholder: z
      .string()
      .optional()
      .describe(
        'Text written in place of what is removed; `{type}` stands for the span’s type and, with mode: placeholder, `{n}` for its number (default `<{type}_{n}>`).',
      ),
  },
  drop: { action: z.literal('drop').describe('Remove the column from the target table.') },
} as const;

/** Leaf actions of `json`: the value actions, in the same short or mapping forms as columns. */
const LEAF_SHORTHANDS = ['keep', 'nullify', 'hash', 'mask', 'redact_text'] as const;

const LeafActionSchema: z.ZodType<LeafActionSpec, unknown> = z
  .union([
    z
      .enum(LEAF_SHORTHANDS)
      .transform((name) => toActionSpec({ ...SHORTHAND_DEFAULTS[name] }) as LeafActionSpec),
    z
      .discriminatedUnion('action', [
        z.strictObject(actionOptions.keep),
        z.strictObject(actionOptions.substitute),
        z.strictObject(actionOptions.mask),
        z.strictObject(actionOptions.hash),
        z.strictObject(actionOptions.nullify),
        z.strictObject(actionOptions.generalize),
        z.strictObject(actionOptions.redact_text),
      ])
      .transform((m) => toActionSpec(m) as LeafActionSpec),
  ])
  .describe('The action of the leaves at this path (not json, shift_date or drop).');

interface JsonMapping {
  readonly action: 'json';
  readonly paths: Record<string, LeafActionSpec>;
  readonly other: 'keep' | 'redact_text' | 'nullify';
}

const jsonOptions = {
  action: z
    .literal('json')
    .describe('Rewrite a json/jsonb document leaf by leaf; keys and structure are kept.'),
  paths: z
    .record(
      z.string().regex(JSON_PATH_PATTERN, {
        message: 'a JSON path is $ followed by .key, ["key"] or [*] steps, e.g. $.contact.email',
      }),
      LeafActionSchema,
    )
    .default({})
    .describe('Action per leaf path, e.g. `$.contact.email` or `$.items[*].name` ([*]: every element).'),
  other: z
    .enum(['keep', 'redact_text', 'nullify'])
    .default('redact_text')
    .describe('What string leaves not named in paths get; numbers and booleans outside paths are kept.'),
};

type ActionOptions = typeof actionOptions;

const GENERALIZE_TARGETS = ['to', 'bucket', 'prefix'] as const;

/** One strict object per action, each extended with `extra` (reason, or a rule's id and match). */
function actionMappings<Extra extends z.core.$ZodLooseShape>(extra: Extra) {
  const exactlyOneTarget = (value: Record<string, unknown>): boolean =>
    GENERALIZE_TARGETS.filter((k) => value[k] !== undefined).length === 1;
  return z.discriminatedUnion('action', [
    z.strictObject({ ...actionOptions.keep, ...extra }),
    z.strictObject({ ...actionOptions.substitute, ...extra }),
    z.strictObject({ ...actionOptions.mask, ...extra }),
    z.strictObject({ ...actionOptions.hash, ...extra }),
    z.strictObject({ ...actionOptions.encrypt, ...extra }),
    z.strictObject({ ...actionOptions.nullify, ...extra }),
    z.strictObject({ ...actionOptions.generalize, ...extra }).refine(exactlyOneTarget, {
      message: 'generalize needs exactly one of: to, bucket, prefix',
    }),
    z.strictObject({ ...actionOptions.shift_date, ...extra }),
    z.strictObject({ ...actionOptions.redact_text, ...extra }),
    z.strictObject({ ...actionOptions.drop, ...extra }),
    z.strictObject({ ...jsonOptions, ...extra }),
  ]);
}

type ParsedMapping =
  | {
      [K in keyof ActionOptions]: z.output<z.ZodObject<ActionOptions[K]>>;
    }[keyof ActionOptions]
  | JsonMapping;

/** Builds the core action from a parsed mapping, leaving out options that were not given. */
function toActionSpec(m: ParsedMapping): ActionSpec {
  switch (m.action) {
    case 'keep':
    case 'nullify':
    case 'drop':
      return { kind: m.action };
    case 'substitute':
      return m.scope === undefined
        ? { kind: 'substitute', entity: m.entity }
        : { kind: 'substitute', entity: m.entity, scope: m.scope };
    case 'mask':
      return { kind: 'mask', keep_first: m.keep_first, keep_last: m.keep_last, char: m.char };
    case 'hash':
      return m.length === undefined ? { kind: 'hash' } : { kind: 'hash', length: m.length };
    case 'encrypt':
      return m.scope === undefined
        ? { kind: 'encrypt', alphabet: m.alphabet }
        : { kind: 'encrypt', alphabet: m.alphabet, scope: m.scope };
    case 'generalize':
      if (m.to !== undefined) return { kind: 'generalize', to: m.to };
      if (m.bucket !== undefined) return { kind: 'generalize', bucket: m.bucket };
      return m.prefix === undefined ? { kind: 'generalize' } : { kind: 'generalize', prefix: m.prefix };
    case 'shift_date':
      return m.by === undefined
        ? { kind: 'shift_date', max_days: m.max_days }
        : { kind: 'shift_date', max_days: m.max_days, by: m.by };
    case 'redact_text':
      // mode fake is the default and stays implicit, so plans and digests of older policies do not change.
      return {
        kind: 'redact_text',
        ...(m.placeholder === undefined ? {} : { placeholder: m.placeholder }),
        ...(m.mode === 'placeholder' ? { mode: 'placeholder' as const } : {}),
      };
    case 'json':
      return { kind: 'json', paths: m.paths, other: m.other };
  }
}

const ShorthandSchema = z
  .enum(SHORTHAND_ACTIONS)
  .transform((name): ColumnAction => toColumnAction({ ...SHORTHAND_DEFAULTS[name] }));

const SHORTHAND_DEFAULTS: { readonly [K in (typeof SHORTHAND_ACTIONS)[number]]: ParsedMapping } = {
  keep: { action: 'keep' },
  nullify: { action: 'nullify' },
  drop: { action: 'drop' },
  hash: { action: 'hash' },
  mask: { action: 'mask', keep_first: 0, keep_last: 0, char: '*' },
  redact_text: { action: 'redact_text', mode: 'fake' },
  encrypt: { action: 'encrypt', alphabet: 'auto' },
};

function toColumnAction(m: ParsedMapping & { reason?: string | undefined }): ColumnAction {
  const action = toActionSpec(m);
  return m.reason === undefined ? { action } : { action, reason: m.reason };
}

/** A column's action in the policy, after parsing. */
export interface ColumnAction {
  readonly action: ActionSpec;
  readonly reason?: string;
}

export const ColumnActionSchema = z
  .union([ShorthandSchema, actionMappings({ reason }).transform(toColumnAction)], {
    error: `expected an action name (${SHORTHAND_ACTIONS.join(', ')}) or a mapping such as { action: substitute, entity: email }; substitute, generalize and shift_date need the mapping form`,
  })
  .describe('What to do with this column: an action name, or a mapping with `action` and its options.');

const globPattern = z.string().min(1).describe('Glob: `*` matches any run of characters, `?` one character.');

export const RuleMatchSchema = z
  .strictObject({
    schema: globPattern.optional(),
    table: globPattern.optional(),
    column: globPattern.optional(),
    type: globPattern
      .optional()
      .describe('Glob over the declared type, e.g. `timestamp*` or `character varying(*)`.'),
  })
  .describe('Which columns the rule covers; every given pattern must match. Omitted keys match anything.');

export type RuleMatch = z.output<typeof RuleMatchSchema>;

/** A policy rule, after parsing. */
export interface PolicyRule {
  readonly id: string;
  readonly match: RuleMatch;
  readonly action: ActionSpec;
  readonly reason?: string;
}

export const PolicyRuleSchema = actionMappings({
  id: z.string().min(1).describe('A short name, shown in the plan as the rule that decided a column.'),
  match: RuleMatchSchema,
  reason,
}).transform(({ id, match, ...mapping }): PolicyRule => ({ id, match, ...toColumnAction(mapping) }));

export const TablePolicySchema = z
  .strictObject({
    where: z
      .string()
      .min(1)
      .optional()
      .describe('Row filter: an SQL predicate over this table’s columns. Only matching rows are copied.'),
    skip: z.boolean().default(false).describe('Create the table but copy no rows.'),
    synth: z
      .enum(['generate', 'copy'])
      .optional()
      .describe(
        'Synthesis only. generate (default): rows are synthesized. copy: a non-personal reference table (countries, categories, currencies, status codes) is copied as it is, into the model file and the target, and other tables reference its real keys; every column must be kept, and it may only reference other copied tables.',
      ),
    coherent_rows: z
      .boolean()
      .optional()
      .describe(
        'Substituted e-mail addresses and usernames made of names are built from the fakes of those names, so a row stays one person (default). false: independent fakes; every table substituting the same scope must then say false too.',
      ),
    columns: z
      .record(z.string().min(1), ColumnActionSchema)
      .default({})
      .describe('Action per column name; the key "*" covers every column not named.'),
    ...K_ANONYMITY_OPTIONS,
  })
  .superRefine(refineKAnonymity)
  .describe('Settings for one table.');

export type TablePolicy = z.output<typeof TablePolicySchema>;

export const PolicySchema = z
  .strictObject({
    version: z.literal(1).describe('Format version of this file.'),
    strict: z
      .boolean()
      .default(true)
      .describe('When true, a column that no entry or rule covers stops the run before any data moves.'),
    rules: z
      .array(PolicyRuleSchema)
      .default([])
      .describe('Ordered, first match wins. Consulted for columns that have no entry under `tables`.'),
    tables: z
      .record(z.string().min(1), TablePolicySchema)
      .default({})
      .describe('Per table, keyed `schema.table` (an unqualified name means `public`).'),
    references: z
      .array(PolicyReferenceSchema)
      .optional()
      .describe(
        'Columns that hold values of a key without a declared foreign key; each follows its key’s action like a foreign key would.',
      ),
    subset: SubsetSchema.optional(),
  })
  .superRefine((policy, ctx) => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(policy.tables)) {
      const name = qualifiedName(parseTableName(key));
      const earlier = seen.get(name);
      if (earlier === undefined) seen.set(name, key);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['tables', key],
          message: `names the same table as "${earlier}"; give each table one entry`,
        });
    }
  })
  .describe('lookalike anonymization policy');

export type Policy = z.output<typeof PolicySchema>;

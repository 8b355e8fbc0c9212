import { z } from 'zod';
import { GatewayError } from '../core/index.js';
import {
  MODEL_FORMAT_VERSION,
  MODEL_NOTICE,
  MODEL_NOTICE_WITH_COPIES,
  type SynthesisModel,
} from './synthesis-model.js';

/** The header and table list a model file must have; deeper fields are trusted as written by `synth fit`. */
const ModelHeaderSchema = z
  .object({
    formatVersion: z.literal(MODEL_FORMAT_VERSION),
    notice: z.union([z.literal(MODEL_NOTICE), z.literal(MODEL_NOTICE_WITH_COPIES)]),
    copiedTables: z.array(z.string()).min(1).optional(),
    schemaFingerprint: z.string(),
    rareCategoryMin: z.number().int().min(1),
    ddl: z.object({ preData: z.string(), postData: z.string() }).nullable(),
    tables: z.array(
      z.object({
        table: z.object({ schema: z.string(), name: z.string() }),
        rows: z.number().int().min(0),
        columns: z.array(z.object({ name: z.string(), role: z.string() })),
        order: z.array(z.string()),
        foreignKeys: z.array(z.object({ name: z.string() })),
        copy: z
          .object({
            rows: z.array(z.array(z.string().nullable())),
            coarse: z.record(z.string(), z.array(z.number())),
          })
          .optional(),
      }),
    ),
  })
  // The header says which tables hold rows, and only those do.
  .refine(
    (m) =>
      (m.copiedTables === undefined) === (m.notice === MODEL_NOTICE) &&
      m.tables.every(
        (t) =>
          (t.copy !== undefined) === (m.copiedTables?.includes(`${t.table.schema}.${t.table.name}`) ?? false),
      ),
    { message: 'copiedTables, the notice and the tables holding rows disagree', path: ['copiedTables'] },
  );

/** Parses a model file's text; the message names the file and the problem, never its contents. */
export function parseSynthesisModel(text: string, label: string): SynthesisModel {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new GatewayError('usage', `${label} is not JSON`);
  }
  const parsed = ModelHeaderSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatewayError(
      'usage',
      `${label} is not a lookalike synthesis model (version ${MODEL_FORMAT_VERSION}): ${issue === undefined ? 'invalid' : `${issue.path.join('.')}: ${issue.code}`}`,
    );
  }
  return data as SynthesisModel;
}

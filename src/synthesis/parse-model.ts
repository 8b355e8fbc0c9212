import { z } from 'zod';
import { GatewayError } from '../core/index.js';
import { MODEL_FORMAT_VERSION, MODEL_NOTICE, type SynthesisModel } from './synthesis-model.js';

/** The header and table list a model file must have; deeper fields are trusted as written by `synth fit`. */
const ModelHeaderSchema = z.object({
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  notice: z.literal(MODEL_NOTICE),
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
    }),
  ),
});

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

// helm/lookalike/values.schema.json is generated (`npm run chart:schema`) from the chart's zod schema and
// the server's GatewayConfigSchema: it must be fresh, and its `config` part must be the server's schema.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  CHART_SCHEMA_PATH,
  ChartValuesSchema,
  chartValuesJsonSchema,
  chartValuesSchemaText,
} from '../scripts/write-chart-schema.js';
import { gatewayConfigJsonSchema } from '../src/config/index.js';

type JsonObject = Record<string, unknown>;

describe('values.schema.json', () => {
  it('is what `npm run chart:schema` writes now (run it after changing either schema)', async () => {
    expect(await readFile(CHART_SCHEMA_PATH, 'utf8')).toBe(await chartValuesSchemaText());
  });

  it('holds the gateway config schema under `config`, requiring `state` in addition', () => {
    const { $schema: _schema, description: _description, ...server } = gatewayConfigJsonSchema('draft-7');
    const {
      description: _chartDescription,
      required,
      ...config
    } = (chartValuesJsonSchema().properties as JsonObject).config as JsonObject;
    const { required: serverRequired, ...serverRest } = server;
    expect(config).toEqual(serverRest);
    expect(required).toEqual([...(serverRequired as string[]), 'state']);
  });

  it('is draft 7, which helm validates with', () => {
    expect(chartValuesJsonSchema().$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('describes every key of values.yaml, and values.yaml parses as a partial of it', async () => {
    const values = parseYaml(
      await readFile(new URL('../helm/lookalike/values.yaml', import.meta.url), 'utf8'),
    ) as JsonObject;
    const properties = chartValuesJsonSchema().properties as JsonObject;
    for (const key of Object.keys(values)) expect(properties, key).toHaveProperty(key);
    // The defaults leave only the install-specific settings open.
    const result = ChartValuesSchema.safeParse(values);
    expect(result.success).toBe(false);
    const missing = result.error!.issues.map((i) => i.path.join('.')).sort();
    expect(missing).toEqual([
      'config.auth',
      'config.policies',
      'config.sources',
      'config.targets',
      'image.repository',
      'secrets.substitutionKey.existingSecret',
    ]);
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from './index.js';

describe('rules/policy.schema.json', () => {
  it('equals the JSON Schema generated from PolicySchema (regenerate with `npm run schema`)', async () => {
    const committed: unknown = JSON.parse(
      await readFile(new URL('../../rules/policy.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(policyJsonSchema());
  });

  it('describes the file as written: shorthand names, the action mapping and optional defaults', () => {
    const schema = policyJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(['version']);
    expect(schema.additionalProperties).toBe(false);
    const text = JSON.stringify(schema);
    expect(text).toContain('"enum":["keep","nullify","drop","hash","mask","redact_text","encrypt"]');
    expect(text).toContain('"const":"shift_date"');
    expect(text).toContain('"street_address"');
  });
});

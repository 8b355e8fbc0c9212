import { z } from 'zod';
import { PolicySchema } from './policy-schema.js';

/** JSON Schema (draft 2020-12) of the policy file as written, for editors; defaults are optional there. */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicySchema, { io: 'input' });
}

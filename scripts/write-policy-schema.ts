// Writes rules/policy.schema.json from the zod policy schema (`npm run schema`). A unit test fails when the
// committed file and the schema drift apart.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { policyJsonSchema } from '../src/policy/index.js';

const target = fileURLToPath(new URL('../rules/policy.schema.json', import.meta.url));
const options = (await resolveConfig(target)) ?? {};
const text = await format(JSON.stringify(policyJsonSchema(), null, 2), { ...options, filepath: target });
await writeFile(target, text);
console.log(`wrote ${target}`);

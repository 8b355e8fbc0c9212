// Writes src/fake-values/word-list-data.ts from the pinned @faker-js/faker (`npm run word-lists`). A unit
// test fails when the committed file and faker's lists drift apart.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { WORD_LIST_NAMES, wordListsFromFaker } from '../src/fake-values/word-lists-from-faker.js';

const target = fileURLToPath(new URL('../src/fake-values/word-list-data.ts', import.meta.url));
const fakerPackage = fileURLToPath(new URL('../node_modules/@faker-js/faker/package.json', import.meta.url));
const { version } = JSON.parse(await readFile(fakerPackage, 'utf8')) as { version: string };
const lists = wordListsFromFaker();
const lines = WORD_LIST_NAMES.map((name) => {
  const words = lists[name];
  if (words.some((word) => word.includes('\n'))) throw new Error(`${name}: a word holds a line break`);
  return `  ${name}: ${JSON.stringify(words.join('\n'))},`;
});
const source = [
  `// Written by \`npm run word-lists\` (scripts/write-word-lists.ts) from @faker-js/faker ${version}: do not edit.`,
  "import type { WordListName } from './word-lists-from-faker.js';",
  '',
  '/** Each word list of word-lists-from-faker.ts, its words one per line, in order. */',
  'export const WORD_LIST_DATA: Readonly<Record<WordListName, string>> = {',
  ...lines,
  '};',
  '',
].join('\n');
const options = (await resolveConfig(target)) ?? {};
await writeFile(target, await format(source, { ...options, filepath: target }));
console.log(`wrote ${target}`);

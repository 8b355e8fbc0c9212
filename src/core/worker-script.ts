import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How to start a worker thread whose script is `name` beside the module at `moduleUrl` (pass
 * `import.meta.url`): from dist/ the compiled `.js` file; from source (tests, tsx) a bootstrap that
 * registers tsx in the worker first, as code for `new Worker(filename, { eval: isCode })` (Node 20 ignores
 * `--import` in a worker's execArgv).
 */
export function workerScript(moduleUrl: string, name: string): { filename: string | URL; isCode: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { filename: new URL(`./${name}.js`, moduleUrl), isCode: false };
  const entry = new URL(`./${name}.ts`, moduleUrl).href;
  // tsx's ESM API: its CommonJS build cannot register hooks from a worker.
  const manifest = createRequire(moduleUrl).resolve('tsx/package.json');
  const loader = pathToFileURL(join(dirname(manifest), 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return { filename: code, isCode: true };
}

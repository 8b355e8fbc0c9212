/**
 * Where a transform worker's memory goes: loads detection's resources step by step in a fresh process (or,
 * with --worker, in one worker thread of it) and prints process.memoryUsage() after each step, after a GC.
 *
 *   node --expose-gc --import tsx bench/snapshot/measure-detection-memory.ts [--worker] [--workers N]
 *        [--shared] [--from DIR] [--snapshot FILE]
 *
 * `--worker --shared` does what the pipeline does: this thread loads the text resources and shares them
 * (`shareTextResources`); each worker adopts them (`useSharedTextResources`) before `createDetection`.
 * RSS is the process's (all threads); heap figures are the measuring thread's own isolate. `--from DIR`
 * loads the compiled modules of a built package root (DIR/dist/src/…) instead of src/ through tsx; the
 * worker then runs them like the pipeline's transform workers do from dist/ (tsx only loads this script).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const MB = 1024 * 1024;

function usage(): Record<string, number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return {
    rss: m.rss / MB,
    heapUsed: m.heapUsed / MB,
    heapTotal: m.heapTotal / MB,
    external: m.external / MB,
    arrayBuffers: m.arrayBuffers / MB,
  };
}

function line(label: string, u: Record<string, number>, prev?: Record<string, number>): string {
  const cells = Object.entries(u).map(([k, v]) => {
    const d =
      prev === undefined ? '' : ` (${v - (prev[k] ?? 0) >= 0 ? '+' : ''}${(v - (prev[k] ?? 0)).toFixed(1)})`;
    return `${k} ${v.toFixed(1)}${d}`;
  });
  return `${label.padEnd(34)} ${cells.join('  ')}`;
}

/** A module of src/ (`detection/index`), from src/ through tsx or from the compiled package `from`. */
function moduleUrl(from: string | undefined, path: string): string {
  return from === undefined
    ? new URL(`../../src/${path}.ts`, import.meta.url).href
    : pathToFileURL(join(from, 'dist/src', `${path}.js`)).href;
}

async function steps(
  log: (s: string) => void,
  from: string | undefined,
  snapshot?: string,
  shared?: unknown,
): Promise<void> {
  type Loader = () => Promise<unknown>;
  const load = async <T>(path: string): Promise<T> => (await import(moduleUrl(from, path))) as T;
  let prev = usage();
  log(line('start', prev));
  const step = async (label: string, run: () => Promise<unknown>): Promise<void> => {
    const t = performance.now();
    await run();
    const ms = performance.now() - t;
    const u = usage();
    log(`${line(label, u, prev)}  ${ms.toFixed(0)} ms`);
    prev = u;
  };
  const call =
    (path: string, name: string): Loader =>
    async () =>
      (await load<Record<string, () => Promise<unknown>>>(path))[name]?.();
  await step('import fake-values', () => load('fake-values/index'));
  await step('import detection modules', () => load('detection/index'));
  if (shared !== undefined) {
    await step('useSharedTextResources', async () =>
      (await load<{ useSharedTextResources(s: unknown): void }>('detection/index')).useSharedTextResources(
        shared,
      ),
    );
  } else {
    await step('faker allLocales', call('detection/text/faker-locales', 'loadFakerLocales'));
    await step('name lexicon', call('detection/text/name-lexicon', 'loadNameLexicon'));
    await step('place gazetteer', call('detection/text/place-gazetteer', 'loadPlaceGazetteer'));
    await step('address vocabulary', call('detection/text/address-vocabulary', 'loadAddressVocabulary'));
    await step('text resources', call('detection/text/text-resources', 'loadTextResources'));
  }
  let detection: unknown;
  await step('createDetection', async () => {
    const d = await load<{ createDetection(o: { packageRoot: string }): Promise<unknown> }>(
      'detection/index',
    );
    detection = await d.createDetection({ packageRoot: from ?? process.cwd() });
  });
  await step('first text detection', () => {
    const d = detection as { textDetector(): { detect(text: string): unknown } };
    return Promise.resolve(
      d
        .textDetector()
        .detect('Call Maria Schmidt at 12 Baker Street, London about the invoice for Acme Ltd.'),
    );
  });
  await step('NER (compromise) on a long text', async () => {
    const d = await load<{ loadTextResources(): Promise<{ ner(t: string): unknown }> }>(
      'detection/text/text-resources',
    );
    (await d.loadTextResources()).ner('Maria Schmidt flew from London to Acme Corp in Paris.');
  });
  if (snapshot !== undefined) log(`heap snapshot: ${writeHeapSnapshot(snapshot)}`);
  (globalThis as { keep?: unknown }).keep = detection;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const snapshot = option('--snapshot');
const from = option('--from');
if (!isMainThread) {
  const data = workerData as { snapshot?: string; from?: string; shared?: unknown };
  await steps((s) => parentPort?.postMessage(s), data.from, data.snapshot, data.shared);
  parentPort?.postMessage('done');
  await new Promise(() => undefined);
} else if (args.includes('--worker')) {
  const countAt = args.indexOf('--workers');
  const count = countAt >= 0 ? Number(args[countAt + 1]) : 1;
  let shared: unknown;
  if (args.includes('--shared')) {
    const d = (await import(moduleUrl(from, 'detection/index'))) as {
      shareTextResources(): Promise<unknown>;
    };
    shared = await d.shareTextResources();
  }
  console.log(line('main before workers', usage()));
  const workers: Worker[] = [];
  for (let i = 0; i < count; i++) {
    // As parallel-copy.ts starts a worker from source: register tsx in the worker first.
    const tsx = pathToFileURL(
      join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
    ).href;
    const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(code, {
      eval: true,
      workerData: { snapshot, from, shared },
      resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 },
    });
    workers.push(worker);
    await new Promise<void>((resolve) =>
      worker.on('message', (m: string) => {
        if (m === 'done') resolve();
        else console.log(`[worker ${i + 1}] ${m}`);
      }),
    );
    console.log(line(`main after worker ${i + 1}`, usage()));
  }
  for (const w of workers) await w.terminate();
} else {
  await steps((s) => console.log(s), from, snapshot);
}

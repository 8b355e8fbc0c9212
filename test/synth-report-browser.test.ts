import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  PAGILA_DATABASE,
  withClient,
} from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'examples/pagila.policy.yaml';

/** What this test uses of playwright-core (typed here: the package is optional, see `browserMissing`). */
interface BrowserPage {
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  goto(url: string): Promise<unknown>;
  /** A string is evaluated as an expression in the page (the test's tsconfig has no DOM types). */
  evaluate<T>(expression: string): Promise<T>;
}
interface Browser {
  newPage(): Promise<BrowserPage>;
  close(): Promise<void>;
}
interface PlaywrightCore {
  readonly chromium: {
    launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser>;
  };
}

async function loadPlaywright(): Promise<PlaywrightCore | null> {
  const name = 'playwright-core'; // a devDependency the test runs with when present; not required
  try {
    return (await import(/* @vite-ignore */ name)) as PlaywrightCore;
  } catch {
    return null;
  }
}

/** Debian's Chromium (`apt-get install chromium`) on PATH. */
async function findChromium(): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = join(dir, name);
      try {
        await access(file, constants.X_OK);
        return file;
      } catch {
        // not in this directory
      }
    }
  }
  return null;
}

const playwright = await loadPlaywright();
const chromiumPath = await findChromium();
const browserMissing =
  playwright === null
    ? 'playwright-core is not installed (add it as a devDependency)'
    : chromiumPath === null
      ? 'no chromium or chromium-browser on PATH (apt-get install chromium)'
      : null;

interface ReportJson {
  overall: number;
  overallAllPairs: number;
  columnShapes: number | null;
  columnPairTrends: number | null;
  columnPairTrendsAllPairs: number | null;
  cardinality: number | null;
  intertableTrends: number | null;
  intertableTrendsAllPairs: number | null;
  intertable: {
    name: string;
    parent: string;
    child: string;
    realRows: number;
    syntheticRows: number;
    score: number | null;
    scoreAllPairs: number | null;
    pairs: { columns: [string, string]; metric: string; score: number | null; meetsThreshold: boolean }[];
  }[];
}

interface PageFacts {
  readonly plots: { width: number; height: number; shapes: number }[];
  readonly overall: string | null;
  readonly intertable: string | null;
  readonly text: string;
}

/** Opens every <details> (closed ones render nothing), then measures every plot and reads the scores. */
const READ_PAGE = `(() => {
  for (const details of document.querySelectorAll('details')) details.open = true;
  const plots = Array.from(document.querySelectorAll('svg, canvas'), (element) => {
    const box = element.getBoundingClientRect();
    return { width: box.width, height: box.height, shapes: element.querySelectorAll('rect').length };
  });
  return {
    plots,
    overall: document.getElementById('overall-score')?.textContent ?? null,
    intertable: document.getElementById('intertable-trends')?.textContent ?? null,
    text: document.body.innerText,
  };
})()`;

const meanOf = (values: readonly (number | null)[]): number => {
  const present = values.filter((v): v is number => v !== null);
  return present.reduce((a, b) => a + b, 0) / present.length;
};

describe('synth report on pagila: Intertable Trends and the HTML page', () => {
  let target: string;
  let folder: string;
  let htmlFile: string;
  let report: ReportJson;
  let personalValues: string[];

  beforeAll(async () => {
    target = await createDatabase('synth_report_browser');
    folder = await mkdtemp(join(tmpdir(), 'lk-synth-report-'));
    htmlFile = join(folder, 'report.html');
    const synth = await runLookalike([
      'synth',
      '--source',
      databaseUrl(PAGILA_DATABASE),
      '--target',
      databaseUrl(target),
      '--policy',
      POLICY,
      '--scale',
      '0.1',
      '--seed',
      '11',
      '--format',
      'json',
    ]);
    expect(synth.stderr).not.toContain('lookalike:');
    expect(synth.exitCode).toBe(0);
    // Without --policy every column is scored, personal ones included: the strictest case for leaks.
    const result = await runLookalike([
      'synth',
      'report',
      '--real',
      databaseUrl(PAGILA_DATABASE),
      '--synthetic',
      databaseUrl(target),
      '--out',
      htmlFile,
      '--format',
      'json',
    ]);
    expect(result.exitCode).toBe(0);
    report = JSON.parse(result.stdout) as ReportJson;
    personalValues = await withClient(PAGILA_DATABASE, async (c) => {
      const r = await c.query<{ v: string }>(
        `SELECT first_name AS v FROM customer UNION SELECT last_name FROM customer UNION SELECT email FROM customer
         UNION SELECT first_name FROM staff UNION SELECT last_name FROM staff UNION SELECT email FROM staff
         UNION SELECT username FROM staff UNION SELECT address FROM address UNION SELECT phone FROM address`,
      );
      // Short values ("LEE") could be parts of ordinary words; four characters and up are distinctive.
      return r.rows.map((row) => row.v).filter((v) => v !== null && v.trim().length >= 4);
    });
    expect(personalValues.length).toBeGreaterThan(1000);
  });

  afterAll(async () => {
    if (target !== undefined) await dropDatabase(target);
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('scores parent × child column pairs over every foreign key and counts them in the overall score', () => {
    const rentalCustomer = report.intertable.find(
      (r) => r.parent === 'public.customer' && r.child === 'public.rental',
    );
    expect(rentalCustomer?.realRows).toBeGreaterThan(1000);
    expect(rentalCustomer?.syntheticRows).toBeGreaterThan(100);
    expect(rentalCustomer?.pairs.length).toBeGreaterThan(0);
    expect(rentalCustomer?.pairs.some((p) => p.columns[0] === 'store_id')).toBe(false); // keys are not scored
    for (const r of report.intertable) {
      for (const p of r.pairs) {
        if (p.score !== null) expect(p.score).toBeGreaterThanOrEqual(0);
        if (p.score !== null) expect(p.score).toBeLessThanOrEqual(1);
      }
    }
    expect(report.intertableTrendsAllPairs).toBeGreaterThan(0.5);
    expect(report.overall).toBeCloseTo(
      meanOf([report.columnShapes, report.columnPairTrends, report.cardinality, report.intertableTrends]),
      12,
    );
    expect(report.overallAllPairs).toBeCloseTo(
      meanOf([
        report.columnShapes,
        report.columnPairTrendsAllPairs,
        report.cardinality,
        report.intertableTrendsAllPairs,
      ]),
      12,
    );
  });

  it('writes a self-contained page with no personal value in it', async () => {
    const html = await readFile(htmlFile, 'utf8');
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    expect(html).toContain('Intertable Trends per foreign key');
    expect(personalValues.filter((v) => html.includes(v))).toEqual([]);
  });

  describe.skipIf(browserMissing !== null)(
    `in Chromium through playwright-core${browserMissing === null ? '' : ` (skipped: ${browserMissing})`}`,
    () => {
      it('opens without console errors, renders its plots and shows the JSON overall score, no values', async () => {
        const browser = await (playwright as PlaywrightCore).chromium.launch({
          executablePath: chromiumPath as string,
          headless: true,
          // Root in a container has no user namespace for Chromium's sandbox.
          args: ['--no-sandbox'],
        });
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on('console', (message) => {
            if (message.type() === 'error') errors.push(message.text());
          });
          page.on('pageerror', (error) => errors.push(error.message));
          await page.goto(pathToFileURL(htmlFile).href);
          const seen = await page.evaluate<PageFacts>(READ_PAGE);
          expect(errors).toEqual([]);
          expect(seen.plots.length).toBeGreaterThan(50);
          expect(seen.plots.filter((p) => !(p.width > 0 && p.height > 0 && p.shapes > 0))).toEqual([]);
          expect(seen.overall).toBe(report.overall.toFixed(3));
          expect(seen.intertable).toBe(report.intertableTrends?.toFixed(3) ?? 'n/a');
          expect(seen.text).toContain('Intertable Trends per foreign key');
          expect(personalValues.filter((v) => seen.text.includes(v))).toEqual([]);
        } finally {
          await browser.close();
        }
      });
    },
  );
});

import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import { Secret, type ColumnInfo, type DatabaseSchema, type Row, type TableInfo } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { fitSynthesisModel, type TableSample } from './fit-model.js';
import { parseSynthesisModel } from './parse-model.js';
import { privatizeModel } from './privatize-model.js';
import { buildQualityReport, renderReportHtml } from './report/index.js';
import { SynthesisSampler } from './sample-model.js';
import { seededRandom } from './seeded-random.js';
import { MODEL_NOTICE, MODEL_NOTICE_WITH_COPIES, type SynthesisModel } from './synthesis-model.js';

const int = (name: string): ColumnInfo =>
  columnInfo({ name, dataType: 'integer', baseType: 'int4', category: 'integer', isNullable: false });
const text = (name: string): ColumnInfo => columnInfo({ name, isNullable: false });

const LANGUAGE: TableInfo = {
  ref: { schema: 'public', name: 'language' },
  kind: 'table',
  parent: null,
  columns: [int('language_id'), text('name')],
  constraints: [
    {
      name: 'language_pkey',
      kind: 'primary_key',
      columns: ['language_id'],
      definition: '',
      references: null,
    },
  ],
  uniqueColumnSets: [['language_id']],
  estimatedRows: 6,
};
const FILM: TableInfo = {
  ref: { schema: 'public', name: 'film' },
  kind: 'table',
  parent: null,
  columns: [int('film_id'), int('language_id'), text('rating')],
  constraints: [
    { name: 'film_pkey', kind: 'primary_key', columns: ['film_id'], definition: '', references: null },
    {
      name: 'film_language_fkey',
      kind: 'foreign_key',
      columns: ['language_id'],
      definition: '',
      references: { table: LANGUAGE.ref, columns: ['language_id'] },
    },
  ],
  uniqueColumnSets: [['film_id']],
  estimatedRows: 1000,
};
const SCHEMA: DatabaseSchema = { tables: [FILM, LANGUAGE], sequences: [] };

/** Six languages, each a single row (rarer than k), keyed 10…60 (not row numbers); films use only three. */
const LANGUAGES: Row[] = ['English', 'Italian', 'Japanese', 'Mandarin', 'French', 'German'].map((name, i) => [
  String((i + 1) * 10),
  name,
]);

function samples(): Map<string, TableSample> {
  const random = seededRandom('films');
  const films: Row[] = [];
  for (let i = 1; i <= 1000; i++) {
    const u = random.next();
    const language = u < 0.7 ? '10' : u < 0.9 ? '20' : '30';
    films.push([String(i), language, language === '30' ? 'R' : random.next() < 0.5 ? 'G' : 'PG']);
  }
  const sample = (info: TableInfo, rows: Row[]): TableSample => ({
    table: info.ref,
    rows: rows.length,
    columns: info.columns.map((c) => c.name),
    values: info.columns.map((_, j) => rows.map((r) => r[j] ?? null)),
  });
  return new Map([
    ['public.language', sample(LANGUAGE, LANGUAGES)],
    ['public.film', sample(FILM, films)],
  ]);
}

function fit(copied: ReadonlySet<string>): SynthesisModel {
  return fitSynthesisModel({
    schema: SCHEMA,
    samples: samples(),
    treatment: () => ({ kind: 'model' }),
    rareCategoryMin: 5,
    seed: '1',
    schemaFingerprint: 'test',
    ddl: null,
    copied,
  });
}

function generate(model: SynthesisModel, scale: number): Map<string, Row[]> {
  const sampler = new SynthesisSampler(model, {
    scale,
    seed: '3',
    seeder: createKeyedSeeder(new Secret(Buffer.alloc(32, 7))),
    batchRows: 4,
  });
  return new Map(
    model.tables.map((t) => [`${t.table.schema}.${t.table.name}`, [...sampler.generate(t)].flat()]),
  );
}

describe('reference tables copied as they are (synth: copy)', () => {
  it('without a copy, the rare language names never reach the model (the baseline this fixes)', () => {
    const model = fit(new Set());
    expect(model.notice).toBe(MODEL_NOTICE);
    expect(model.copiedTables).toBeUndefined();
    expect(JSON.stringify(model)).not.toContain('Mandarin');
    const languages = generate(model, 1).get('public.language') ?? [];
    expect(languages.map((r) => r[1])).not.toContain('English');
  });

  it('holds the rows in the model, says so in the header, and writes them unchanged at any scale', () => {
    const model = fit(new Set(['public.language']));
    expect(model.notice).toBe(MODEL_NOTICE_WITH_COPIES);
    expect(model.copiedTables).toEqual(['public.language']);
    const language = model.tables.find((t) => t.table.name === 'language');
    expect(language?.copy?.rows).toEqual(LANGUAGES);
    expect(model.tables.find((t) => t.table.name === 'film')?.copy).toBeUndefined();
    for (const scale of [0.5, 3]) {
      const rows = generate(model, scale);
      expect(rows.get('public.language')).toEqual(LANGUAGES);
      expect(rows.get('public.film')?.length).toBe(1000 * scale);
    }
  });

  it('children reference the real keys with the learned distribution, unused keys included', () => {
    const model = fit(new Set(['public.language']));
    // Counts per real key are stored only where at least k; the others are drawn below k (here: 0).
    const counts = model.tables.find((t) => t.table.name === 'film')?.foreignKeys[0]?.keyCounts ?? [];
    expect(counts.slice(3)).toEqual([-1, -1, -1]);
    expect(counts.slice(0, 3).reduce((a, b) => a + b, 0)).toBe(1000);
    const rows = generate(model, 2);
    const films = rows.get('public.film') ?? [];
    const share = (key: string): number => films.filter((r) => r[1] === key).length / films.length;
    expect(new Set(films.map((r) => r[1]))).toEqual(new Set(['10', '20', '30']));
    expect(share('10')).toBeGreaterThan(0.62);
    expect(share('10')).toBeLessThan(0.78);
    expect(share('20')).toBeGreaterThan(0.14);
    expect(share('20')).toBeLessThan(0.26);
  });

  it('sets a copied table’s sequence past its largest real key', () => {
    const model = fit(new Set(['public.language']));
    const sampler = new SynthesisSampler(model, {
      scale: 1,
      seed: '3',
      seeder: createKeyedSeeder(new Secret(Buffer.alloc(32, 7))),
      batchRows: 100,
    });
    expect(sampler.lastSerial('public.language', 'language_id')).toBe(60);
  });

  it('parses back from the model file; a header that does not name the copied tables is refused', () => {
    const model = fit(new Set(['public.language']));
    expect(parseSynthesisModel(JSON.stringify(model), 'model.json').copiedTables).toEqual([
      'public.language',
    ]);
    const { copiedTables: _dropped, ...unnamed } = model;
    expect(() => parseSynthesisModel(JSON.stringify(unnamed), 'model.json')).toThrow(/copiedTables/);
    expect(() =>
      parseSynthesisModel(JSON.stringify({ ...unnamed, notice: MODEL_NOTICE }), 'model.json'),
    ).toThrow(/copiedTables/);
  });

  it('differential privacy noises the synthesized tables and leaves the copied one as it is', () => {
    const model = fit(new Set(['public.language']));
    const noisy = privatizeModel(model, { epsilon: 1, random: seededRandom('noise') });
    expect(noisy.tables.find((t) => t.table.name === 'language')).toEqual(
      model.tables.find((t) => t.table.name === 'language'),
    );
    expect(noisy.tables.find((t) => t.table.name === 'film')).not.toEqual(
      model.tables.find((t) => t.table.name === 'film'),
    );
  });

  it('the report lists copied tables apart from the scores, on the page too', () => {
    const report = buildQualityReport(
      [
        {
          table: 'public.film',
          columns: [{ name: 'rating', type: 'categorical', real: ['G', 'PG'], synthetic: ['G', 'G'] }],
        },
      ],
      [],
      [],
      'report',
      {
        copiedTables: [
          { table: 'public.language', realRows: 6, syntheticRows: 6, identical: true },
          { table: 'public.country', realRows: 9, syntheticRows: 9, identical: null },
        ],
      },
    );
    expect(report.tables.map((t) => t.table)).toEqual(['public.film']);
    expect(report.columnShapes).toBe(0.5);
    expect(report.copiedTables.map((t) => t.table)).toEqual(['public.language', 'public.country']);
    const html = renderReportHtml(report);
    expect(html).toContain('Copied reference tables (not scored)');
    expect(html).toContain('<td>public.language</td><td>6 / 6</td><td>yes</td>');
    expect(html).toContain('not compared (read in part)');
    expect(renderReportHtml({ ...report, copiedTables: [] })).not.toContain('copied-tables');
  });
});

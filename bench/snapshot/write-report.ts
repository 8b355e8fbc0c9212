import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { CodeFingerprint } from './code-fingerprint.js';
import type { SourceInfo } from './generate-source.js';
import type { MachineInfo } from './machine-info.js';
import type { ProfileSummary } from './summarize-cpu-profile.js';
import type { RawCopyResult } from './time-raw-copy.js';
import type { LookalikeRun } from './time-lookalike.js';
import { sizeLabel } from './bench-options.js';

/** Goals from the project brief; the report says whether each one is met. */
export const THROUGHPUT_RATIO_GOAL = 0.5;
export const PEAK_RSS_GOAL_MB = 300;
/** "Flat as the table grows": the 5M peak at most this much above the 1M peak. */
export const FLATNESS_TOLERANCE = 1.25;

/** How many sampled rows kept a personal value unchanged: a run that copied values verbatim is no benchmark. */
export interface SubstitutionCheck {
  readonly sampledRows: number;
  readonly unchanged: Readonly<Record<string, number>>;
}

export interface BenchResult {
  readonly startedAt: Date;
  readonly machine: MachineInfo;
  /** 1-minute load averages, to recognise a run that shared the machine with other work. */
  readonly loadAverages: {
    readonly start: number;
    readonly afterRaw: number;
    readonly afterLookalike: number;
  };
  /** System-wide CPU busy share (0..1) over the 5 s before each timed step. */
  readonly busyBefore: { readonly raw: number; readonly lookalike: number };
  readonly source: SourceInfo & { readonly peopleMb: number; readonly ordersMb: number };
  readonly raw: RawCopyResult;
  readonly runner: string;
  readonly code: CodeFingerprint;
  readonly lookalike: LookalikeRun;
  readonly check: SubstitutionCheck;
  readonly profile: ProfileSummary | null;
}

/** The figures embedded in each report (as an HTML comment) so a later run can combine 1M and 5M. */
export interface BenchData {
  readonly version: 1;
  readonly date: string;
  readonly people: number;
  readonly totalRows: number;
  readonly cpuModel: string;
  readonly cores: number;
  readonly rawRowsPerSecond: number;
  readonly lookalikeRowsPerSecond: number;
  readonly ratio: number;
  readonly peakRssMb: number;
  readonly wallSeconds: number;
  /** Source fingerprint of the measured code (absent in reports written before it was recorded). */
  readonly code?: string;
}

const DATA_MARKER = /<!-- bench-data: (\{.*\}) -->/;

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function reportFileName(result: BenchResult): string {
  return `snapshot-${isoDate(result.startedAt)}-${sizeLabel(result.source.people)}.md`;
}

export function benchData(result: BenchResult): BenchData {
  const totalRows = result.raw.rows;
  const rawRowsPerSecond = totalRows / result.raw.seconds;
  const lookalikeRowsPerSecond = totalRows / result.lookalike.wallSeconds;
  return {
    version: 1,
    date: isoDate(result.startedAt),
    people: result.source.people,
    totalRows,
    cpuModel: result.machine.cpuModel,
    cores: result.machine.cores,
    rawRowsPerSecond,
    lookalikeRowsPerSecond,
    ratio: lookalikeRowsPerSecond / rawRowsPerSecond,
    peakRssMb: peakRssOf(result.lookalike),
    wallSeconds: result.lookalike.wallSeconds,
    code: result.code.sources,
  };
}

/**
 * What the throughput goal leaves for anonymizing, measured in this run: the wall time it allows, how much of
 * it the work every complete copy does anyway (raw COPY plus the raw post-data) takes, and the CPU time the
 * lookalike process spent against the core-seconds that window holds on this machine.
 */
function budgetLines({ raw, lookalike, machine }: BenchResult): string[] {
  const allowed = raw.seconds / THROUGHPUT_RATIO_GOAL;
  const floor = raw.seconds + raw.postDataSeconds;
  const lines = [
    `What the goal allows: ${sec(allowed)} s for the whole snapshot (raw COPY ÷ ${THROUGHPUT_RATIO_GOAL}). ` +
      `Raw COPY plus the raw post-data — part of what any complete copy with its constraints does before a ` +
      `single value is changed, verified or read twice (creating the schema and starting up not counted) — ` +
      `took ${sec(floor)} s, ${pct(floor / allowed)} of it` +
      (floor >= allowed ? ': on this machine no copy that adds these constraints reaches the goal.' : '.'),
  ];
  if (lookalike.userCpuSeconds !== null && lookalike.systemCpuSeconds !== null) {
    const cpu = lookalike.userCpuSeconds + lookalike.systemCpuSeconds;
    lines.push(
      '',
      `lookalike and the pg_dump runs it waits for used ${sec(cpu)} CPU seconds; ${sec(allowed)} s on ` +
        `${machine.cores} cores hold ${sec(allowed * machine.cores)}, which PostgreSQL's server processes ` +
        `(on the same machine) share.`,
    );
  }
  return lines;
}

export function peakRssOf(run: LookalikeRun): number {
  return Math.max(run.peakRssMb, run.timeMaxRssMb ?? 0);
}

/** The newest committed result of the other size of the 1M / 5M pair, if any. */
export function findCounterpart(resultsDir: string, people: number): BenchData | null {
  const other = people === 1_000_000 ? 5_000_000 : people === 5_000_000 ? 1_000_000 : null;
  if (other === null || !existsSync(resultsDir)) return null;
  const suffix = `-${sizeLabel(other)}.md`;
  const files = readdirSync(resultsDir)
    .filter((f) => f.startsWith('snapshot-') && f.endsWith(suffix))
    .sort();
  for (const file of files.reverse()) {
    const match = DATA_MARKER.exec(readFileSync(`${resultsDir}/${file}`, 'utf8'));
    if (match?.[1] !== undefined) return JSON.parse(match[1]) as BenchData;
  }
  return null;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const sec = (n: number): string => n.toFixed(2);
const mb = (n: number): string => n.toFixed(0);
const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
const yes = (ok: boolean): string => (ok ? '**met**' : '**not met**');

export function renderReport(result: BenchResult, counterpart: BenchData | null): string {
  const { machine, source, raw, lookalike } = result;
  const data = benchData(result);
  const summary = lookalike.summary;
  const loadSeconds = summary?.tables.reduce((sum, t) => sum + t.seconds, 0) ?? null;
  const likeForLikeRaw = raw.seconds + raw.postDataSeconds;
  const peak = peakRssOf(lookalike);
  const lines: string[] = [];
  const push = (...text: string[]): void => {
    lines.push(...text);
  };

  push(
    `# Snapshot benchmark — ${data.date}, ${sizeLabel(source.people)} people`,
    '',
    `- **Date:** ${result.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- **Machine:** ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB.toFixed(1)} GiB RAM, ${machine.os}`,
    `- **Software:** Node ${machine.node}, PostgreSQL ${machine.postgres} (same server for source and targets), pg_dump ${machine.pgDump}`,
    `- **PostgreSQL settings:** ${Object.entries(machine.postgresSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    `- **CPUs busy in the 5 s before each step:** ${pct(result.busyBefore.raw)} before raw COPY, ${pct(result.busyBefore.lookalike)} before lookalike (near 0% means nothing else was running)`,
    `- **1-minute load average:** ${result.loadAverages.start.toFixed(2)} before the run, ${result.loadAverages.afterRaw.toFixed(2)} after raw COPY, ${result.loadAverages.afterLookalike.toFixed(2)} after lookalike (the bench's own processes count towards the later two; well above ${result.machine.cores} means other work shared the cores and slowed the figures)`,
    `- **Source:** \`people\` ${int(source.people)} rows (${mb(source.peopleMb)} MB with indexes), \`orders\` ${int(source.orders)} rows (${mb(source.ordersMb)} MB); ${int(raw.rows)} rows in all${source.built ? `, generated in ${sec(source.buildSeconds ?? 0)} s` : ', re-used from an earlier run'}`,
    `- **Code measured:** sources ${result.code.sources} (SHA-256 of src/ and connectors/), commit ${result.code.commit ?? 'unknown'}${result.code.uncommitted ? ' plus uncommitted changes' : ''}`,
    `- **lookalike:** ${result.runner}, policy \`bench/snapshot/bench.policy.yaml\` (5 substitutes, 1 redact_text, the rest kept), default batch size`,
    '',
    '## Results',
    '',
    '| path | seconds | rows/s |',
    '| --- | ---: | ---: |',
    ...raw.tables.map((t) => `| raw COPY \`${t.table}\` | ${sec(t.seconds)} | ${int(t.rows / t.seconds)} |`),
    `| **raw COPY, both tables (physical limit)** | **${sec(raw.seconds)}** | **${int(data.rawRowsPerSecond)}** |`,
    `| raw post-data afterwards (PKs, unique, FK, index via pg_dump \\| psql) | ${sec(raw.postDataSeconds)} | – |`,
    `| raw COPY + post-data (the same work lookalike does) | ${sec(likeForLikeRaw)} | ${int(raw.rows / likeForLikeRaw)} |`,
    `| **lookalike snapshot, process wall time** | **${sec(lookalike.wallSeconds)}** | **${int(data.lookalikeRowsPerSecond)}** |`,
  );
  if (summary !== null) {
    push(
      `| lookalike, its own summary (\`seconds\`: excludes process start-up) | ${sec(summary.seconds)} | ${int(summary.totalRows / summary.seconds)} |`,
    );
    if (loadSeconds !== null && loadSeconds > 0) {
      push(
        `| lookalike, row loading only (sum of per-table seconds) | ${sec(loadSeconds)} | ${int(summary.totalRows / loadSeconds)} |`,
      );
    }
  }
  push(
    '',
    '| goal | measured | |',
    '| --- | ---: | --- |',
    `| lookalike / raw COPY throughput ≥ ${THROUGHPUT_RATIO_GOAL} | ${data.ratio.toFixed(2)}× | ${yes(data.ratio >= THROUGHPUT_RATIO_GOAL)} |`,
    `| peak RSS of the lookalike process < ${PEAK_RSS_GOAL_MB} MB | ${mb(peak)} MB | ${yes(peak < PEAK_RSS_GOAL_MB)} |`,
    `| peak RSS flat as the table grows | ${counterpart === null ? 'needs both the 1M and the 5M run' : 'see below'} | |`,
    '',
    `Other ratios: against raw COPY + post-data ${(data.lookalikeRowsPerSecond / (raw.rows / likeForLikeRaw)).toFixed(2)}×` +
      (loadSeconds !== null && loadSeconds > 0 && summary !== null
        ? `; row loading only against raw COPY ${(summary.totalRows / loadSeconds / data.rawRowsPerSecond).toFixed(2)}×.`
        : '.'),
    '',
    ...budgetLines(result),
  );

  if (summary !== null) {
    push(
      '',
      '## lookalike per table',
      '',
      '| table | rows | seconds | rows/s | transformed columns |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...summary.tables.map(
        (t) =>
          `| \`${t.table}\` | ${int(t.rows)} | ${sec(t.seconds)} | ${int(t.rows / t.seconds)} | ${t.transformedColumns ?? '–'} |`,
      ),
    );
  }
  const verification = summary?.verification;
  if (verification !== undefined) {
    const v = verification.seconds;
    // On the run's clock: the source index (built in the value pass, or the wait for a read-ahead beside the
    // post-data), the read-back and the integrity queries. The search while writing runs in the transform
    // workers, beside the load: its CPU seconds are shown, not counted (what it slows the load is in the
    // load's own time).
    const clock = v.source + v.target + v.integrity;
    // A read beside the post-data shares the two cores with it: the post-data takes longer than alone. Its
    // cost is counted as the post-data phase's excess over the raw post-data of the same rows (an upper
    // bound: lookalike's own post-data ran ~2 s over raw before the read was moved beside it).
    const postData = lookalike.phases.find((p) => p.label.startsWith('adding indexes'))?.seconds;
    const overlapCost =
      v.sourceReadAhead === undefined || postData === undefined
        ? 0
        : Math.max(0, postData - raw.postDataSeconds);
    const added = (clock + overlapCost) / (lookalike.wallSeconds - clock - overlapCost);
    push(
      '',
      '## Verification (from the summary)',
      '',
      `Leak scan in ${verification.leakScan.passes} pass(es); ` +
        (verification.leakScan.tablesScannedWhileWriting === undefined
          ? 'every table read back after the load'
          : `${verification.leakScan.tablesScannedWhileWriting} table(s) searched while written`) +
        (verification.leakScan.sourceReadAhead === true
          ? '; the source side read beside the post-data.'
          : '.'),
      '',
      '| part | seconds |',
      '| --- | ---: |',
      `| source index (on the clock) | ${sec(v.source)} |`,
      ...(v.sourceReadAhead === undefined
        ? []
        : [
            `| source read beside the post-data (overlapped; its wait is the line above) | ${sec(v.sourceReadAhead)} |`,
          ]),
      `| read-back of the target | ${sec(v.target)} |`,
      `| integrity | ${sec(v.integrity)} |`,
      ...(v.whileWriting === undefined
        ? []
        : [
            `| search while writing (CPU seconds in the transform workers, beside the load) | ${sec(v.whileWriting)} |`,
          ]),
      `| **on the run's clock** (source + read-back + integrity) | **${sec(clock)}** |`,
      ...(v.sourceReadAhead === undefined || postData === undefined
        ? []
        : [
            `| post-data phase over the raw post-data (${sec(postData)} − ${sec(raw.postDataSeconds)} s: the cores it shared with the read) | ${sec(overlapCost)} |`,
          ]),
      '',
      `Verification adds ${pct(added)} to the rest of the run (goal: under 25%; ` +
        (overlapCost > 0 ? 'the post-data excess counted as its cost; ' : '') +
        'the kept-column scan, a fraction of a second here, is not in the summary).',
    );
  }

  if (lookalike.phases.length > 1) {
    push(
      '',
      '## lookalike phases',
      '',
      'Time from each progress line on stderr to the next, as the bench received them; the last one runs',
      'to process exit.',
      '',
      '| progress line | seconds |',
      '| --- | ---: |',
      ...lookalike.phases.map((p) => `| ${p.label.replace(/\|/g, '\\|')} | ${sec(p.seconds)} |`),
    );
  }

  push(
    '',
    '## Memory and CPU of the lookalike process',
    '',
    `- Peak RSS: ${mb(lookalike.peakRssMb)} MB (VmHWM polled every 100 ms)` +
      (lookalike.timeMaxRssMb === null
        ? ''
        : `; ${mb(lookalike.timeMaxRssMb)} MB by GNU time (wait4 max RSS)`),
    lookalike.userCpuSeconds === null || lookalike.systemCpuSeconds === null
      ? '- CPU: not measured (GNU time not installed)'
      : `- CPU: ${sec(lookalike.userCpuSeconds)} s user + ${sec(lookalike.systemCpuSeconds)} s system = ${pct((lookalike.userCpuSeconds + lookalike.systemCpuSeconds) / lookalike.wallSeconds)} of one core over the wall time (the rest is PostgreSQL and waiting)`,
    `- RSS over the run: ${rssTimeline(lookalike)}`,
    `- Sanity check: of ${int(result.check.sampledRows)} sampled people, unchanged in the target: ${Object.entries(
      result.check.unchanged,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );

  if (result.profile !== null) {
    const p = result.profile;
    push(
      '',
      '## CPU profile of the lookalike process (separate run under `node --cpu-prof`)',
      '',
      `${sec(p.totalMs / 1000)} s sampled over ${p.threads.length} thread(s); idle (waiting on PostgreSQL or work) ${pct(p.idleShare)}.`,
      `Busy time per thread: ${p.threads.map((t) => `${t.thread} ${sec(t.busyMs / 1000)} s`).join(', ')}.`,
      '',
      '"share" is of all sampled time; "busy share" leaves the idle time out, so it shows where the',
      'CPU-bound part of the run goes.',
      '',
      '| self time by area | ms | share | busy share |',
      '| --- | ---: | ---: | ---: |',
      ...p.areas
        .slice(0, 12)
        .map((a) => `| \`${a.name}\` | ${int(a.selfMs)} | ${pct(a.share)} | ${pct(a.busyShare)} |`),
      '',
      '| function (self time) | location | ms | share | busy share |',
      '| --- | --- | ---: | ---: | ---: |',
      ...p.functions.map(
        (f) =>
          `| \`${f.name}\` | ${f.location === '' ? '–' : `\`${f.location}\``} | ${int(f.selfMs)} | ${pct(f.share)} | ${pct(f.busyShare)} |`,
      ),
    );
  }

  if (counterpart !== null) {
    const [small, large] = data.people < counterpart.people ? [data, counterpart] : [counterpart, data];
    const growth = large.peakRssMb / small.peakRssMb;
    const sameMachine = small.cpuModel === large.cpuModel && small.cores === large.cores;
    const sameCode = small.code !== undefined && small.code === large.code;
    push(
      '',
      `## Memory flatness: ${sizeLabel(small.people)} vs ${sizeLabel(large.people)} people`,
      '',
      '| people | date | peak RSS | lookalike rows/s | raw rows/s | ratio |',
      '| ---: | --- | ---: | ---: | ---: | ---: |',
      ...[small, large].map(
        (d) =>
          `| ${int(d.people)} | ${d.date} | ${mb(d.peakRssMb)} MB | ${int(d.lookalikeRowsPerSecond)} | ${int(d.rawRowsPerSecond)} | ${d.ratio.toFixed(2)}× |`,
      ),
      '',
      `${large.people / small.people}× the rows, ${growth.toFixed(2)}× the peak RSS: ` +
        `${growth <= FLATNESS_TOLERANCE ? 'flat' : 'not flat'} (criterion: at most ${FLATNESS_TOLERANCE}×)` +
        `${sameMachine ? '' : ' — measured on different machines, compare with care'}` +
        `${sameCode ? '' : ` — the two runs measured different code (sources ${small.code ?? 'unrecorded'} and ${large.code ?? 'unrecorded'})`}.`,
    );
  }

  push('', `<!-- bench-data: ${JSON.stringify(data)} -->`, '');
  return lines.join('\n');
}

/** RSS at each tenth of the wall time, in MB: a flat line means memory does not grow with the table. */
function rssTimeline(run: LookalikeRun): string {
  if (run.rssSamples.length === 0) return 'no samples';
  const points: string[] = [];
  for (let tenth = 1; tenth <= 10; tenth++) {
    const at = (run.wallSeconds * tenth) / 10;
    const sample = run.rssSamples.filter((s) => s.seconds <= at).at(-1) ?? run.rssSamples[0];
    if (sample !== undefined) points.push(`${tenth * 10}%: ${mb(sample.rssMb)}`);
  }
  return `${points.join(', ')} MB`;
}

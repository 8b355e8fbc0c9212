#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4
// MALLOC_MMAP_THRESHOLD_ (glibc; other C libraries ignore it): every block of 128 KB or more is mapped on
// its own and unmapped when freed. Left to glibc, the threshold rises after the first large free, and the
// run's large buffers (slabs, COPY chunks, shared indexes of 10-30 MB let go after the load) then come from
// the heap and stay in the process when freed: a 5M-people snapshot sat ~18 MB lower through the load
// (223-228 against 240 MB) and peaked at 260 against 277 MB in its read-back, at the same speed (2026-11-29).
// The young generation of the main thread (transform workers size their own): the row path allocates many
// short-lived strings. When the main thread transformed rows, 32 MB beat the default (9.1 s against 12.0 s
// for 1M people, 2026-11-27); with transforms in workers, 16 MB gave the same time and CPU and a ~35 MB
// lower peak (1M people: 480/486 MB against 514/521 MB, A/B 2026-11-28, bench/snapshot/measure-peak-rss.ts),
// and 8 MB the same CPU and an ~18 MB lower peak once the workers' start-up hump was gone (6 interleaved
// pairs: 330-351 MB against 350-364 MB, CPU 62.2 s against 62.3 s on average, 2026-11-28), and 4 MB a ~10 MB
// lower one (3 interleaved pairs: 305/321/312 MB against 323/323/322 MB, CPU 59.4/59.2/61.9 s against
// 61.9/61.6/62.2 s; this thread's GC pauses 0.2-0.5 s longer in all, 2026-11-28).
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import('../dist/src/cli/main.js').then(
  (cli) => cli.main(process.argv),
  (error) => {
    process.stderr.write(`lookalike: cannot start (${error.code ?? 'unknown'}); run "npm install" first\n`);
    process.exitCode = 1;
  },
);

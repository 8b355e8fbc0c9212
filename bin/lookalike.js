#!/usr/bin/env -S node --max-semi-space-size=32
// A larger young generation: the row path allocates many short-lived strings. For 1M rows with 6
// transformed columns people took 12.0 s by default, 9.1 s with 32 MB, 8.7 s with 64 MB (which peaked at
// 302 MB RSS on 5M rows); see bench/results, 2026-11-27.
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import('../dist/src/cli/main.js').then(
  (cli) => cli.main(process.argv),
  (error) => {
    process.stderr.write(`lookalike: cannot start (${error.code ?? 'unknown'}); run "npm install" first\n`);
    process.exitCode = 1;
  },
);

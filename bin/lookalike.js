#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import('../dist/src/cli/main.js').then(
  (cli) => cli.main(process.argv),
  (error) => {
    process.stderr.write(`lookalike: cannot start (${error.code ?? 'unknown'}); run "npm install" first\n`);
    process.exitCode = 1;
  },
);

/** Architecture rules, checked by `npm run deps`: dependencies point inward, connectors see only the core. */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'connectors-see-only-core',
      comment: 'A connector implements the core contract and imports nothing else of ours.',
      severity: 'error',
      from: { path: '^connectors/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'no-connector-to-connector',
      severity: 'error',
      from: { path: '^connectors/([^/]+)/' },
      to: { path: '^connectors/', pathNot: '^connectors/$1/' },
    },
    {
      name: 'core-is-innermost',
      comment: 'The core is shared vocabulary; it depends on nothing else of ours.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/(?!core/)|connectors/)' },
    },
    {
      name: 'only-compose-builds-connectors',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/compose\\.ts$' },
      to: { path: '^connectors/' },
    },
    {
      name: 'pure-layers-stay-pure',
      comment:
        'Policy, fake values, transforms, introspection, subset, detection, synthesis, verify and manifest are pure: no edges, no pipeline.',
      severity: 'error',
      from: {
        path: '^src/(policy|fake-values|transform|introspection|subset|detection|synthesis|verify|manifest)/',
      },
      to: { path: '^src/(pipeline|cli|http|jobs|compose)' },
    },
    {
      name: 'inner-layers-never-see-the-gateway-edges',
      comment:
        'Auth, state, jobs and http are edges: nothing inward (core, config, pipeline, pure layers) imports them.',
      severity: 'error',
      from: {
        path: '^src/(core|config|introspection|fake-values|transform|policy|subset|detection|pipeline|demo|llm)/',
      },
      to: { path: '^src/(auth|state|jobs|http)/' },
    },
    {
      name: 'gateway-edges-point-inward',
      comment:
        'auth and state see only inner layers; jobs adds state; http adds auth and jobs; only cli composes.',
      severity: 'error',
      from: { path: '^src/(auth|state)/' },
      to: { path: '^src/(auth|state|jobs|http|cli|compose)', pathNot: '^src/$1/' },
    },
    {
      name: 'jobs-below-http',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(http|cli|compose|auth)' },
    },
    {
      name: 'http-is-not-composition',
      comment: 'The HTTP app gets its store, runner and verifier injected; only the cli builds them.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(cli|compose)' },
    },
    {
      name: 'telemetry-only-from-cli',
      comment: 'Tracing (and its SDK) is composed by serve and worker; no other module knows it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|telemetry)/' },
      to: { path: '^src/telemetry/' },
    },
    {
      name: 'no-deep-imports-across-modules',
      comment:
        "Import another module only through its index.ts (or detection's text-detection.ts: its text detection without YAML and zod, for worker threads).",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/([^/]+)/.+',
        pathNot: ['^src/$1/', 'index\\.ts$', '^src/detection/text-detection\\.ts$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

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
        'Policy, fake values, transforms, introspection, subset and detection are pure: no edges, no pipeline.',
      severity: 'error',
      from: { path: '^src/(policy|fake-values|transform|introspection|subset|detection)/' },
      to: { path: '^src/(pipeline|cli|http|jobs|compose)' },
    },
    {
      name: 'no-deep-imports-across-modules',
      comment: 'Import another module only through its index.ts.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', 'index\\.ts$'] },
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

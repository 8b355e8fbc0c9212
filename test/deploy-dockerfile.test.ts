// The container image recipe, checked without a Docker engine: dockerfile-utils (the Dockerfile language
// server's linter) for syntax, and dockerfile-ast for the rules the linter does not know.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';
import type { Instruction, JSONInstruction, PropertyInstruction } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import type { ValidatorSettings } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { launcherSettings } from '../bench/snapshot/launcher-settings.js';

const root = new URL('../', import.meta.url);
const dockerfile = readFileSync(fileURLToPath(new URL('Dockerfile', root)), 'utf8');
const dockerignore = readFileSync(fileURLToPath(new URL('.dockerignore', root)), 'utf8');

const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

function lint(text: string): string[] {
  return validate(text, STRICT).map(
    (d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
  );
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;

interface Stage {
  readonly name: string | null;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

function stagesOf(text: string): { stages: Stage[]; initialArgs: Map<string, string | null> } {
  const parsed = DockerfileParser.parse(text);
  const initialArgs = new Map<string, string | null>();
  for (const arg of parsed.getInitialARGs()) {
    const property = arg.getProperty();
    if (property !== null) initialArgs.set(property.getName(), property.getValue());
  }
  const stages: { name: string | null; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of parsed.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = parsed
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line);
      stages.push({ name: from?.getBuildStage() ?? null, image: from?.getImage() ?? '', instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { stages, initialArgs };
}

function jsonArgs(instruction: Instruction): string[] | null {
  const strings = (instruction as JSONInstruction).getJSONStrings?.();
  return strings !== undefined && strings.length > 0 ? strings.map((s) => s.getJSONValue()) : null;
}

function properties(stage: Stage, keyword: 'ENV' | 'LABEL'): Map<string, string> {
  const result = new Map<string, string>();
  for (const instruction of stage.instructions.filter((i) => i.getKeyword() === keyword))
    for (const p of (instruction as PropertyInstruction).getProperties())
      result.set(p.getName(), p.getValue() ?? '');
  return result;
}

/** The house rules for the image, as a list of violations (empty = compliant). */
function auditDockerfile(text: string): string[] {
  const problems: string[] = [];
  const { stages, initialArgs } = stagesOf(text);
  const final = stages.at(-1);
  if (final === undefined || stages.length < 2) return ['expected a multi-stage build'];
  const stageNames = new Set(stages.map((s) => s.name).filter((n): n is string => n !== null));

  if (/(^|[:\s])latest\b/m.test(text.replace(/^#.*$/gm, ''))) problems.push('uses a "latest" tag');
  for (const stage of stages) {
    if (stageNames.has(stage.image)) continue;
    const viaArg = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(stage.image);
    const image = viaArg === null ? stage.image : (initialArgs.get(viaArg[1]!) ?? '');
    if (!DIGEST.test(image)) problems.push(`FROM ${stage.image} is not pinned by digest`);
  }

  const runs = (s: Stage): string[] =>
    s.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
  const allRuns = stages.flatMap(runs);
  if (allRuns.some((r) => /\bnpm (install|i)\b/.test(r))) problems.push('runs npm install instead of npm ci');
  if (allRuns.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--ignore-scripts')))
    problems.push('npm ci without --ignore-scripts');
  if (!runs(final).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)))
    problems.push('final stage does not install with npm ci --omit=dev');
  if (!stages.slice(0, -1).some((s) => runs(s).some((r) => /\bnpm ci\b/.test(r))))
    problems.push('no build stage installs with npm ci');

  const user = final.instructions.filter((i) => i.getKeyword() === 'USER').at(-1);
  const userMatch = /^(\d+)(:(\d+))?$/.exec(user?.getArgumentsContent() ?? '');
  if (userMatch === null) problems.push('final stage USER is not numeric');
  else if (Number(userMatch[1]) === 0 || Number(userMatch[3] ?? '1') === 0)
    problems.push('final stage runs as root');

  for (const keyword of ['ENTRYPOINT', 'CMD']) {
    const instruction = final.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
    if (instruction !== undefined && jsonArgs(instruction) === null)
      problems.push(`${keyword} is not in exec form`);
  }
  const stopSignal = final.instructions.find((i) => i.getKeyword() === 'STOPSIGNAL');
  if (stopSignal?.getArgumentsContent() !== 'SIGTERM') problems.push('STOPSIGNAL is not SIGTERM');
  return problems;
}

describe('Dockerfile', () => {
  it('passes dockerfile-utils with every check set to error', () => {
    expect(lint(dockerfile)).toEqual([]);
  });

  it('the linter does flag a broken file (so a clean result means something)', () => {
    const problems = lint('FROM node:22\nMAINTAINER someone\nEXPOSE http\nSTOPSIGNAL NOPE\nWORKDIR app\n');
    expect(problems.join('\n')).toMatch(/MAINTAINER/);
    expect(problems.join('\n')).toMatch(/containerPort/);
    expect(problems.join('\n')).toMatch(/signal/i);
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('follows the image rules: digest-pinned base, npm ci, numeric non-root user, exec form, SIGTERM', () => {
    expect(auditDockerfile(dockerfile)).toEqual([]);
  });

  it('runs `node bin/lookalike.js serve --config /etc/lookalike/config.yaml`', () => {
    const { stages } = stagesOf(dockerfile);
    const final = stages.at(-1)!;
    const entrypoint = jsonArgs(final.instructions.find((i) => i.getKeyword() === 'ENTRYPOINT')!)!;
    const cmd = jsonArgs(final.instructions.find((i) => i.getKeyword() === 'CMD')!)!;
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint.at(-1)).toMatch(/\/bin\/lookalike\.js$/);
    expect(cmd).toEqual(['serve', '--config', '/etc/lookalike/config.yaml']);
  });

  it("sets what the launcher's shebang sets: its environment and node flags", () => {
    const { stages } = stagesOf(dockerfile);
    const final = stages.at(-1)!;
    const entrypoint = jsonArgs(final.instructions.find((i) => i.getKeyword() === 'ENTRYPOINT')!)!;
    const shebang = readFileSync(new URL('bin/lookalike.js', root), 'utf8').split('\n')[0] ?? '';
    const { env, nodeFlags } = launcherSettings(shebang);
    expect(Object.keys(env).length).toBeGreaterThan(0);
    const envLines = final.instructions
      .filter((i) => i.getKeyword() === 'ENV')
      .map((i) => i.getArgumentsContent() ?? '');
    for (const [name, value] of Object.entries(env)) expect(envLines).toContain(`${name}=${value}`);
    expect(entrypoint.slice(1, -1)).toEqual(nodeFlags);
  });

  it('keeps every write under /tmp and ships pg_dump from a new enough PostgreSQL major', () => {
    const { stages, initialArgs } = stagesOf(dockerfile);
    const final = stages.at(-1)!;
    const env = properties(final, 'ENV');
    expect(env.get('HOME')).toBe('/tmp');
    expect(env.get('TMPDIR')).toBe('/tmp');
    expect(env.get('NODE_ENV')).toBe('production');
    expect(Number(initialArgs.get('PG_MAJOR'))).toBeGreaterThanOrEqual(17);
    const runs = final.instructions
      .filter((i) => i.getKeyword() === 'RUN')
      .map((i) => i.getArgumentsContent());
    expect(runs.join('\n')).toContain('postgresql-client-${PG_MAJOR}');
    expect(env.get('LOOKALIKE_PG_DUMP')).toBe('/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump');
    // The repository key is accepted only with its pinned fingerprint.
    expect(dockerfile).toMatch(/PGDG_KEY_FINGERPRINT=[0-9A-F]{40}\b/);
  });

  it('carries the OCI labels', () => {
    const labels = properties(stagesOf(dockerfile).stages.at(-1)!, 'LABEL');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'created'])
      expect(labels.has(`org.opencontainers.image.${key}`), key).toBe(true);
  });

  it('keeps secrets, dependencies and the git history out of the build context', () => {
    const patterns = dockerignore.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const p of ['**/node_modules', '.git', '**/.env', 'dist']) expect(patterns).toContain(p);
    for (const needed of ['src', 'connectors', 'bin', 'rules', 'examples', 'package-lock.json'])
      expect(patterns).not.toContain(needed);
  });

  it('installs no production dependency that needs an install script (the image uses --ignore-scripts)', () => {
    const lock = JSON.parse(readFileSync(fileURLToPath(new URL('package-lock.json', root)), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean; hasInstallScript?: boolean }>;
    };
    const entries = Object.entries(lock.packages).filter(([path]) => path !== '');
    expect(entries.length).toBeGreaterThan(50);
    const withScripts = entries.filter(([, p]) => p.hasInstallScript === true);
    const production = withScripts.filter(([, p]) => p.dev !== true && p.devOptional !== true);
    expect(production.map(([path]) => path)).toEqual([]);
  });

  describe('the audit rejects', () => {
    const cases: [string, (text: string) => string, RegExp][] = [
      ['a root user', (t) => t.replace(/^USER .*$/m, 'USER 0:0'), /root/],
      ['a named user', (t) => t.replace(/^USER .*$/m, 'USER lookalike'), /not numeric/],
      ['no USER at all', (t) => t.replace(/^USER .*$/m, ''), /not numeric/],
      ['a latest tag', (t) => t.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest'), /latest/],
      [
        'a tag without digest',
        (t) => t.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:24-slim'),
        /digest/,
      ],
      [
        'a literal FROM without digest',
        (t) => t.replace(/^FROM \$\{NODE_IMAGE\} AS build/m, 'FROM node:24 AS build'),
        /digest/,
      ],
      ['npm install', (t) => t.replace('npm ci --omit=dev', 'npm install --omit=dev'), /npm install/],
      [
        'install scripts',
        (t) => t.replace('npm ci --omit=dev --ignore-scripts', 'npm ci --omit=dev'),
        /ignore-scripts/,
      ],
      [
        'a shell-form entrypoint',
        (t) => t.replace(/^ENTRYPOINT .*$/m, 'ENTRYPOINT node /app/bin/lookalike.js'),
        /exec form/,
      ],
      ['another stop signal', (t) => t.replace('STOPSIGNAL SIGTERM', 'STOPSIGNAL SIGKILL'), /STOPSIGNAL/],
    ];
    it.each(cases)('%s', (_name, mutate, message) => {
      const mutated = mutate(dockerfile);
      expect(mutated).not.toBe(dockerfile);
      expect(auditDockerfile(mutated).join('\n')).toMatch(message);
    });
  });
});

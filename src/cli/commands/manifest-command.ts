import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot, readKeyFile } from '../../config/index.js';
import { GatewayError } from '../../core/index.js';
import {
  buildManifest,
  formatManifestFile,
  parsePublicKey,
  parseSigningKey,
  signManifest,
  verifyManifestText,
  type ManifestFile,
  type SnapshotManifest,
} from '../../manifest/index.js';
import type { SnapshotSummary } from '../../pipeline/index.js';
import type { Plan } from '../../policy/index.js';
import type { Selection } from '../../core/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import { outputFormat } from '../cli-options.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { writeOutputFile } from '../output-file.js';

export interface ManifestVerifyOptions {
  readonly publicKey?: string;
  readonly format?: string;
}

/** `lookalike manifest verify <file> --public-key <file>`: exit 0 valid, 1 unsigned, tampered or wrong key. */
export async function manifestVerifyCommand(
  file: string,
  options: ManifestVerifyOptions,
  io: CliIo,
): Promise<number> {
  const format = outputFormat(options);
  if (options.publicKey === undefined) throw new GatewayError('usage', '--public-key <file> is required');
  const key = parsePublicKey(
    await readKeyFile(options.publicKey, '--public-key'),
    `--public-key "${options.publicKey}"`,
  );
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new GatewayError(
      'usage',
      `manifest "${file}" cannot be read (${typeof code === 'string' ? code : 'error'})`,
      { file },
    );
  }
  const check = await verifyManifestText(text, key);
  if (format === 'json') {
    writeJson(
      io,
      check.valid
        ? { valid: true, kid: check.kid, status: check.manifest.verification.status }
        : { valid: false, reason: check.reason, message: check.message },
    );
  }
  say(
    io,
    check.valid
      ? `manifest valid: signed by key ${check.kid}; snapshot verification ${check.manifest.verification.status}`
      : `manifest INVALID (${check.reason}): ${check.message}`,
  );
  return check.valid ? EXIT_OK : EXIT_FAILED;
}

/** The version of this tool, as package.json states it: recorded in every manifest. */
export async function toolVersion(): Promise<string> {
  try {
    const text = await readFile(join(packageRoot(), 'package.json'), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The manifest signing key, parsed before the run so a bad key file stops it before any data moves. */
export async function loadSigningKey(file: string | undefined): Promise<KeyObject | null> {
  if (file === undefined) return null;
  return parseSigningKey(await readKeyFile(file, 'signing key'), `signing key "${file}"`);
}

/** The snapshot's manifest file, signed when a key is given: its text as written, and its content. */
export async function snapshotManifest(
  summary: SnapshotSummary,
  plan: Plan,
  selection: Selection,
  key: KeyObject | null,
  toolVersion: string,
): Promise<{ readonly text: string; readonly manifest: SnapshotManifest; readonly file: ManifestFile }> {
  const manifest = buildManifest({
    toolVersion,
    createdAt: new Date(),
    plan,
    selection,
    keyId: summary.keyId,
    tables: summary.tables,
    totalSeconds: summary.seconds,
    verification: summary.verification,
    ...(summary.subset === undefined ? {} : { subset: summary.subset }),
  });
  const file = await signManifest(manifest, key);
  return { text: formatManifestFile(file), manifest, file };
}

/** Writes the snapshot's manifest beside the run (never into the target), signed when a key is configured. */
export async function writeSnapshotManifest(
  out: string,
  summary: SnapshotSummary,
  plan: Plan,
  selection: Selection,
  key: KeyObject | null,
  toolVersion: string,
  io: CliIo,
): Promise<void> {
  const { text, file } = await snapshotManifest(summary, plan, selection, key, toolVersion);
  await writeOutputFile(out, '--manifest-out', text, { after: 'the snapshot was committed' });
  say(
    io,
    file.signature === null
      ? `manifest written to ${out} (UNSIGNED: no signing key configured)`
      : `manifest written to ${out}, signed with key ${file.signature.kid}`,
  );
}

import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { GatewayError } from '../core/index.js';
import { canonicalJson } from '../introspection/index.js';
import type { SnapshotManifest } from './snapshot-manifest.js';

/**
 * A manifest file: the manifest in clear, plus an Ed25519 JWS (compact, `alg: EdDSA`) over its canonical
 * JSON. Verification checks the signature and that the clear manifest is exactly the signed one, so one
 * changed byte or field anywhere fails. Without a signing key the file says it is unsigned.
 */
export interface ManifestFile {
  readonly manifest: SnapshotManifest;
  readonly signature: { readonly alg: 'EdDSA'; readonly kid: string; readonly jws: string } | null;
  /** Present on unsigned files: why there is no signature. */
  readonly unsigned?: string;
}

export const UNSIGNED_NOTE =
  'unsigned: no signing key was configured (--signing-key <file> or LOOKALIKE_SIGNING_KEY_FILE)';

/** Public fingerprint of a signing key: SHA-256 of its SubjectPublicKeyInfo, 16 hex characters. */
export function signingKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Parses a PKCS#8 PEM Ed25519 private key; errors name the origin, never the content. */
export function parseSigningKey(pem: string | Buffer, origin: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new GatewayError('config_invalid', `${origin} is not a PEM private key (PKCS#8)`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new GatewayError('config_invalid', `${origin} is not an Ed25519 key`);
  return key;
}

export function parsePublicKey(pem: string | Buffer, origin: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new GatewayError('usage', `${origin} is not a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new GatewayError('usage', `${origin} is not an Ed25519 key`);
  return key;
}

export async function signManifest(manifest: SnapshotManifest, key: KeyObject | null): Promise<ManifestFile> {
  if (key === null) return { manifest, signature: null, unsigned: UNSIGNED_NOTE };
  const kid = signingKeyId(key);
  const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(manifest)))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'lookalike-manifest+jws' })
    .sign(key);
  return { manifest, signature: { alg: 'EdDSA', kid, jws } };
}

export function formatManifestFile(file: ManifestFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

export type ManifestCheck =
  | { readonly valid: true; readonly kid: string; readonly manifest: SnapshotManifest }
  | {
      readonly valid: false;
      readonly reason: 'unsigned' | 'malformed' | 'wrong_key' | 'bad_signature' | 'tampered';
      readonly message: string;
    };

/** Checks a manifest file's text against a public key. Never throws on bad input: says why it is invalid. */
export async function verifyManifestText(text: string, publicKey: KeyObject): Promise<ManifestCheck> {
  let file: Partial<ManifestFile> | null;
  try {
    file = JSON.parse(text) as Partial<ManifestFile> | null;
  } catch {
    return { valid: false, reason: 'malformed', message: 'the file is not JSON' };
  }
  if (file === null || typeof file !== 'object' || file.manifest?.kind !== 'lookalike.manifest')
    return { valid: false, reason: 'malformed', message: 'the file is not a lookalike manifest' };
  const signature = file.signature;
  if (signature === null || signature === undefined)
    return { valid: false, reason: 'unsigned', message: 'the manifest is unsigned' };
  if (typeof signature.jws !== 'string')
    return { valid: false, reason: 'malformed', message: 'the signature is malformed' };
  const kid = signingKeyId(publicKey);
  if (signature.kid !== kid)
    return {
      valid: false,
      reason: 'wrong_key',
      message: `signed with key ${String(signature.kid)}, not with this public key (${kid})`,
    };
  let payload: Uint8Array;
  try {
    const verified = await compactVerify(signature.jws, publicKey, { algorithms: ['EdDSA'] });
    if (verified.protectedHeader.kid !== kid)
      return { valid: false, reason: 'tampered', message: 'the signature header names another key' };
    payload = verified.payload;
  } catch {
    return { valid: false, reason: 'bad_signature', message: 'the signature does not verify' };
  }
  let signed: unknown;
  try {
    signed = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return { valid: false, reason: 'tampered', message: 'the signed content is not JSON' };
  }
  let same: boolean;
  try {
    same = canonicalJson(signed) === canonicalJson(file.manifest);
  } catch {
    same = false;
  }
  if (!same)
    return { valid: false, reason: 'tampered', message: 'the manifest differs from what was signed' };
  return { valid: true, kid, manifest: file.manifest };
}

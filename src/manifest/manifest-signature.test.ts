import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../policy/index.js';
import type { VerificationResult } from '../verify/index.js';
import {
  formatManifestFile,
  parsePublicKey,
  parseSigningKey,
  signManifest,
  verifyManifestText,
} from './manifest-signature.js';
import { buildManifest, planOfManifest } from './snapshot-manifest.js';

const plan: Plan = {
  formatVersion: 1,
  schemaFingerprint: 'a'.repeat(64),
  policyDigest: 'b'.repeat(64),
  strict: true,
  tables: [
    {
      table: { schema: 'public', name: 'customer' },
      kind: 'table',
      copyRows: true,
      where: null,
      columns: [
        {
          name: 'email',
          action: { kind: 'substitute', entity: 'email' },
          rule: 'tables."public.customer".columns.email',
          reason: 'direct identifier',
          copied: true,
        },
      ],
    },
  ],
  sequences: [],
  uncovered: [],
  findings: [],
};

const verification: VerificationResult = {
  status: 'clean',
  leakScan: {
    indexedValues: 599,
    droppedValues: 0,
    indexBytes: 524288,
    falsePositiveRate: 3.2e-17,
    passes: 1,
    sourceColumns: 1,
    targetColumns: 1,
    targetRows: 599,
    lookups: 599,
    totalLeaks: 0,
    leaks: [],
    keptPersonalColumns: [],
  },
  integrity: { passed: true, checks: [] },
  utility: [],
  seconds: { source: 0.1, target: 0.1, integrity: 0.1, total: 0.3 },
};

const manifest = buildManifest({
  toolVersion: '0.1.0',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  plan,
  selection: { schemas: [], tables: [] },
  keyId: '0123456789abcdef',
  tables: [{ table: 'public.customer', rows: 599, seconds: 0.2 }],
  totalSeconds: 3,
  verification,
});

function keyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('signed manifests', () => {
  const keys = keyPair();
  const signingKey = parseSigningKey(keys.privatePem, 'test key');
  const publicKey = parsePublicKey(keys.publicPem, 'test public key');

  it('records the rule behind every column and the key id, and rebuilds the plan', () => {
    expect(manifest.tables[0]?.columns[0]?.rule).toBe('tables."public.customer".columns.email');
    expect(manifest.keyId).toBe('0123456789abcdef');
    expect(manifest.rowCounts).toEqual({ 'public.customer': 599 });
    expect(planOfManifest(manifest).tables).toEqual(plan.tables);
  });

  it('verifies a signed manifest with the matching public key', async () => {
    const text = formatManifestFile(await signManifest(manifest, signingKey));
    const check = await verifyManifestText(text, publicKey);
    expect(check.valid).toBe(true);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('fails when one field of the manifest is changed', async () => {
    const file = await signManifest(manifest, signingKey);
    const tampered = formatManifestFile({
      ...file,
      manifest: { ...file.manifest, rowCounts: { 'public.customer': 600 } },
    });
    expect(await verifyManifestText(tampered, publicKey)).toMatchObject({ valid: false, reason: 'tampered' });
  });

  it('fails when one byte of the signature is changed', async () => {
    const file = await signManifest(manifest, signingKey);
    const jws = file.signature?.jws ?? '';
    const last = jws.at(-2) === 'A' ? 'B' : 'A';
    const text = formatManifestFile({
      ...file,
      signature: {
        alg: 'EdDSA',
        kid: file.signature?.kid ?? '',
        jws: `${jws.slice(0, -2)}${last}${jws.slice(-1)}`,
      },
    });
    expect(await verifyManifestText(text, publicKey)).toMatchObject({
      valid: false,
      reason: 'bad_signature',
    });
  });

  it('fails with another public key, and on an unsigned or malformed file', async () => {
    const text = formatManifestFile(await signManifest(manifest, signingKey));
    const other = parsePublicKey(keyPair().publicPem, 'other');
    expect(await verifyManifestText(text, other)).toMatchObject({ valid: false, reason: 'wrong_key' });
    const unsigned = await signManifest(manifest, null);
    expect(unsigned.unsigned).toMatch(/^unsigned/);
    expect(await verifyManifestText(formatManifestFile(unsigned), publicKey)).toMatchObject({
      valid: false,
      reason: 'unsigned',
    });
    expect(await verifyManifestText('{not json', publicKey)).toMatchObject({
      valid: false,
      reason: 'malformed',
    });
  });

  it('refuses keys that are not Ed25519 PEM', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => parseSigningKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), 'rsa key')).toThrow(
      /not an Ed25519 key/,
    );
    expect(() => parseSigningKey('garbage', 'bad key')).toThrow(/bad key is not a PEM private key/);
  });
});

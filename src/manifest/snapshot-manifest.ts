import type { ActionSpec, Selection, TableKind, TableRef } from '../core/index.js';
import type { KAnonymitySpec, Plan } from '../policy/index.js';
import type { VerificationResult } from '../verify/index.js';

/**
 * What a developer received, for compliance: the source's schema fingerprint, the policy digest and the
 * rule behind every column, the key id (never the key), row counts, the verification and timings. Names,
 * counts, digests and rule texts only — never a value, a key or a connection string. A file format.
 */
export interface SnapshotManifest {
  readonly kind: 'lookalike.manifest';
  readonly formatVersion: 1;
  readonly tool: { readonly name: 'lookalike'; readonly version: string };
  readonly createdAt: string;
  readonly source: { readonly schemaFingerprint: string };
  readonly policy: { readonly digest: string; readonly strict: boolean };
  /** Fingerprint of the substitution key. */
  readonly keyId: string;
  readonly selection: Selection;
  /** Every copied table's columns: action ← rule (reason), enough to verify the target again later. */
  readonly tables: readonly ManifestTable[];
  readonly sequences: readonly TableRef[];
  readonly rowCounts: Readonly<Record<string, number>>;
  readonly verification: VerificationResult;
  readonly timings: {
    readonly totalSeconds: number;
    readonly verificationSeconds: number;
    readonly tables: readonly { readonly table: string; readonly seconds: number }[];
  };
  readonly subset?: { readonly totalRows: number; readonly totalBytes: number };
}

export interface ManifestTable {
  readonly table: TableRef;
  readonly kind: TableKind;
  readonly copyRows: boolean;
  readonly where: string | null;
  readonly columns: readonly {
    readonly name: string;
    readonly action: ActionSpec;
    readonly rule: string;
    readonly reason: string;
    readonly copied: boolean;
  }[];
  /** Declared quasi-identifiers, k and mode: `lookalike verify --manifest` counts the same classes again. */
  readonly kAnonymity?: KAnonymitySpec;
}

export interface ManifestInput {
  readonly toolVersion: string;
  readonly createdAt: Date;
  readonly plan: Plan;
  readonly selection: Selection;
  readonly keyId: string;
  readonly tables: readonly { readonly table: string; readonly rows: number; readonly seconds: number }[];
  readonly totalSeconds: number;
  readonly verification: VerificationResult;
  readonly subset?: { readonly totalRows: number; readonly totalBytes: number };
}

export function buildManifest(input: ManifestInput): SnapshotManifest {
  const { plan } = input;
  return {
    kind: 'lookalike.manifest',
    formatVersion: 1,
    tool: { name: 'lookalike', version: input.toolVersion },
    createdAt: input.createdAt.toISOString(),
    source: { schemaFingerprint: plan.schemaFingerprint },
    policy: { digest: plan.policyDigest, strict: plan.strict },
    keyId: input.keyId,
    selection: input.selection,
    tables: plan.tables.map((t) => ({
      table: t.table,
      kind: t.kind,
      copyRows: t.copyRows,
      where: t.where,
      columns: t.columns.map((c) => ({
        name: c.name,
        action: c.action,
        rule: c.rule,
        reason: c.reason,
        copied: c.copied,
      })),
      ...(t.kAnonymity === undefined ? {} : { kAnonymity: t.kAnonymity }),
    })),
    sequences: plan.sequences,
    rowCounts: Object.fromEntries(input.tables.map((t) => [t.table, t.rows])),
    verification: input.verification,
    timings: {
      totalSeconds: input.totalSeconds,
      verificationSeconds: input.verification.seconds.total,
      tables: input.tables.map((t) => ({ table: t.table, seconds: t.seconds })),
    },
    ...(input.subset === undefined
      ? {}
      : { subset: { totalRows: input.subset.totalRows, totalBytes: input.subset.totalBytes } }),
  };
}

/** The plan a manifest records, to verify the same target again (`lookalike verify --manifest`). */
export function planOfManifest(manifest: SnapshotManifest): Plan {
  return {
    formatVersion: 1,
    schemaFingerprint: manifest.source.schemaFingerprint,
    policyDigest: manifest.policy.digest,
    strict: manifest.policy.strict,
    tables: manifest.tables,
    sequences: manifest.sequences,
    uncovered: [],
    findings: [],
  };
}

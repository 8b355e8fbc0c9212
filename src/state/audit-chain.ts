import { createHash } from 'node:crypto';
import { canonicalJson } from '../introspection/index.js';

/** What an audit event may carry: identifiers, counts, hashes — never values, tokens or URLs. */
export type AuditValue = string | number | boolean | null | readonly string[];
export type AuditDetails = Readonly<Record<string, AuditValue>>;

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** One event as written: its place in the chain (`seq`, `prev_hash`) is part of what is hashed. */
export interface AuditEvent {
  readonly seq: number;
  readonly id: string;
  /** ISO 8601 UTC, stored as text so the hashed form round-trips exactly. */
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string | null;
  readonly outcome: AuditOutcome;
  readonly details: AuditDetails;
  readonly prevHash: string;
  readonly hash: string;
}

/** The chain's anchor: the first event's `prev_hash`. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 over the RFC 8785 canonical JSON of the event without its own hash. */
export function auditEventHash(event: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalJson({
    seq: event.seq,
    id: event.id,
    at: event.at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    outcome: event.outcome,
    details: event.details,
    prev_hash: event.prevHash,
  });
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export type AuditVerification =
  | { readonly ok: true; readonly events: number; readonly head: string }
  | {
      readonly ok: false;
      readonly events: number;
      /** The first event that does not fit the chain: edited, out of place, or after a removed one. */
      readonly brokenAt: { readonly seq: number; readonly id: string };
      readonly reason: 'hash_mismatch' | 'chain_break' | 'sequence_gap';
    };

/** Folds events (in `seq` order) into the chain check; call `result()` after the last page. */
export function createAuditVerifier(): {
  push(event: AuditEvent): boolean;
  result(): AuditVerification;
} {
  let previousHash = GENESIS_HASH;
  let previousSeq = 0;
  let count = 0;
  let broken: AuditVerification | undefined;
  return {
    push(event) {
      if (broken !== undefined) return false;
      count++;
      const fail = (reason: 'hash_mismatch' | 'chain_break' | 'sequence_gap'): false => {
        broken = { ok: false, events: count, brokenAt: { seq: event.seq, id: event.id }, reason };
        return false;
      };
      if (event.seq !== previousSeq + 1) return fail('sequence_gap');
      if (event.prevHash !== previousHash) return fail('chain_break');
      if (auditEventHash(event) !== event.hash) return fail('hash_mismatch');
      previousHash = event.hash;
      previousSeq = event.seq;
      return true;
    },
    result: () => broken ?? { ok: true, events: count, head: previousHash },
  };
}
